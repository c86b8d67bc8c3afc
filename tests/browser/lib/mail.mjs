// Reads the mails Daemun's `file` transport writes (`<outbox id>.eml`): MIME headers with
// RFC 2047 encoded words, multipart bodies, quoted-printable or base64 parts (RFC 2045).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { mailDir } from './env.mjs';

function splitHead(raw) {
  const at = raw.search(/\r?\n\r?\n/);
  const head = at < 0 ? raw : raw.slice(0, at);
  const body = at < 0 ? '' : raw.slice(at).replace(/^\r?\n\r?\n/, '');
  const headers = {};
  // Folded header lines continue with whitespace (RFC 5322 §2.2.3).
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body };
}

function param(value, name) {
  const m = new RegExp(`;\\s*${name}="?([^";]+)"?`, 'i').exec(value || '');
  return m ? m[1] : '';
}

function qpBytes(text) {
  const soft = text.replace(/=\r?\n/g, '');
  const bytes = [];
  for (let i = 0; i < soft.length; i++) {
    const hex = soft.slice(i + 1, i + 3);
    if (soft[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(soft[i], 'utf8'));
    }
  }
  return Buffer.from(bytes);
}

function decodeBody(body, encoding, charset) {
  const enc = (encoding || '7bit').toLowerCase();
  let bytes;
  if (enc === 'quoted-printable') bytes = qpBytes(body);
  else if (enc === 'base64') bytes = Buffer.from(body.replace(/\s+/g, ''), 'base64');
  else bytes = Buffer.from(body, 'utf8');
  return new TextDecoder(charset || 'utf-8').decode(bytes);
}

/** Decodes `=?charset?B|Q?…?=` words (RFC 2047); adjacent encoded words join without space. */
export function decodeWords(value) {
  return value
    .replace(/(\?=)\s+(=\?)/g, '$1$2')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_, charset, kind, text) => {
      const bytes = kind.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64')
        : qpBytes(text.replace(/_/g, ' '));
      return new TextDecoder(charset).decode(bytes);
    });
}

function collectParts(raw, into) {
  const { headers, body } = splitHead(raw);
  const type = (headers['content-type'] || 'text/plain').toLowerCase();
  if (type.startsWith('multipart/')) {
    const boundary = param(headers['content-type'], 'boundary');
    if (!boundary) throw new Error('multipart mail without a boundary');
    const sections = body.split(`--${boundary}`);
    // Before the first delimiter is the preamble; from `--boundary--` on, the epilogue.
    for (const section of sections.slice(1)) {
      if (section.startsWith('--')) break;
      collectParts(section.replace(/^\r?\n/, ''), into);
    }
  } else {
    const charset = param(headers['content-type'], 'charset');
    const text = decodeBody(body, headers['content-transfer-encoding'], charset);
    if (type.startsWith('text/html')) into.html.push(text);
    else if (type.startsWith('text/plain')) into.text.push(text);
  }
}

/** Parses one .eml file into its decoded headers, plain-text and HTML bodies. */
export function parseMail(raw) {
  const { headers } = splitHead(raw);
  const parts = { text: [], html: [] };
  collectParts(raw, parts);
  return {
    to: decodeWords(headers.to || ''),
    subject: decodeWords(headers.subject || ''),
    text: parts.text.join('\n'),
    html: parts.html.join('\n'),
  };
}

/**
 * The newest mail to `address` (files are numbered in outbox order), with `subject` when
 * given, waiting up to 15 s for it to arrive.
 */
export async function waitForMail(address, { subject } = {}) {
  for (let i = 0; i < 150; i++) {
    let files = [];
    try {
      files = readdirSync(mailDir).filter((f) => f.endsWith('.eml')).sort().reverse();
    } catch (e) {
      if (e.code !== 'ENOENT') throw e;
    }
    for (const file of files) {
      const mail = parseMail(readFileSync(path.join(mailDir, file), 'utf8'));
      if (mail.to.includes(address) && (subject === undefined || mail.subject === subject)) {
        return { file, ...mail };
      }
    }
    await sleep(100);
  }
  throw new Error(`no mail to ${address} (${subject ?? 'any subject'}) arrived in ${mailDir} within 15 s`);
}

/** The first link in a mail's text that starts with `prefix`. */
export function linkIn(mail, prefix) {
  const found = mail.text.split(/\s+/).find((word) => word.startsWith(prefix));
  if (!found) throw new Error(`no link starting with ${prefix} in mail "${mail.subject}"`);
  return found;
}
