// The screenshots in docs/images are the pages as they are: every image the docs show exists,
// was taken by this run (same name in the screenshot directory), and still looks like the page.
// Runs after the journeys (files run in name order). Dynamic values (dates, ids) are masked when
// the screenshots are taken, so an unchanged page gives the same pixels.
//   scripts/test-browser --update-docs-images   copies this run's screenshots over docs/images
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { PNG } from 'pngjs';

import { docsDir, repoRoot, runStartedMs, screenshotDir } from './lib/env.mjs';

const imagesDir = path.join(docsDir, 'images');
const update = process.env.BROWSER_UPDATE_DOCS_IMAGES === '1';
// A pixel differs when a channel moves by more than this (anti-aliasing noise stays below).
const CHANNEL_TOLERANCE = 24;
// An image is out of date when more than this share of its pixels differ: a changed word, field
// or style shows up; identical pages give zero.
const MAX_DIFFERING_SHARE = 0.0005;
const REFRESH = 'run scripts/test-browser --update-docs-images and commit docs/images';

/** Image names referenced as images/<name>.png from docs/*.md and README.md. */
function referencedImages() {
  const files = readdirSync(docsDir).filter((f) => f.endsWith('.md')).map((f) => path.join(docsDir, f));
  files.push(path.join(repoRoot, 'README.md'));
  const refs = new Map();
  for (const file of files) {
    for (const m of readFileSync(file, 'utf8').matchAll(/images\/([A-Za-z0-9._-]+\.png)/g)) {
      if (!refs.has(m[1])) refs.set(m[1], path.relative(repoRoot, file));
    }
  }
  return refs;
}

function compare(expectedFile, actualFile, diffFile) {
  const a = PNG.sync.read(readFileSync(expectedFile));
  const b = PNG.sync.read(readFileSync(actualFile));
  if (a.width !== b.width || a.height !== b.height) {
    return `size ${a.width}×${a.height} in docs, ${b.width}×${b.height} now`;
  }
  const diff = new PNG({ width: a.width, height: a.height });
  let differing = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    let delta = 0;
    for (let c = 0; c < 4; c++) delta = Math.max(delta, Math.abs(a.data[i + c] - b.data[i + c]));
    const off = delta > CHANNEL_TOLERANCE;
    if (off) differing++;
    // The diff image: differing pixels red, the rest a faint copy of the page.
    const grey = 255 - Math.round((255 - b.data[i]) / 4);
    diff.data.set(off ? [255, 0, 0, 255] : [grey, grey, grey, 255], i);
  }
  const share = differing / (a.width * a.height);
  if (share > MAX_DIFFERING_SHARE) {
    mkdirSync(path.dirname(diffFile), { recursive: true });
    writeFileSync(diffFile, PNG.sync.write(diff));
    return `${(share * 100).toFixed(2)}% of the pixels differ (see ${path.relative(repoRoot, diffFile)})`;
  }
  return null;
}

test('every image the docs show is in docs/images, and every docs image is shown', () => {
  const refs = referencedImages();
  assert.ok(refs.size > 0, 'the docs show screenshots');
  if (update) mkdirSync(imagesDir, { recursive: true });
  const missing = [...refs].filter(([name]) => !existsSync(path.join(imagesDir, name)) && !update);
  assert.deepEqual(missing, [], `images referenced but missing from docs/images: ${REFRESH}`);
  const present = existsSync(imagesDir) ? readdirSync(imagesDir).filter((f) => f.endsWith('.png')) : [];
  const unused = present.filter((name) => !refs.has(name));
  assert.deepEqual(unused, [], 'images in docs/images that no page shows: delete them');
});

test('every docs image was taken by this run and still matches the page', () => {
  const problems = [];
  for (const [name, doc] of referencedImages()) {
    const shot = path.join(screenshotDir, name);
    if (!existsSync(shot)) {
      problems.push(`${name} (shown in ${doc}) was not taken by the browser tests`);
      continue;
    }
    if (statSync(shot).mtimeMs < runStartedMs) {
      problems.push(`${name} in the screenshot directory is older than this run`);
      continue;
    }
    const docImage = path.join(imagesDir, name);
    if (update) copyFileSync(shot, docImage);
    const why = compare(docImage, shot, path.join(screenshotDir, 'diff', name));
    if (why) problems.push(`docs/images/${name} is out of date: ${why}`);
  }
  assert.deepEqual(problems, [], REFRESH);
});
