-- An application that accepts only logins with two factors: people are led through the second
-- step (or to set one up) before it gets their login.
ALTER TABLE client ADD COLUMN require_mfa BOOLEAN NOT NULL DEFAULT 0;
