// `npm ci`, but only when node_modules does not already match package-lock.json: Maven runs this
// on every build, and a clean install costs seconds that an unchanged lock file does not need.
// CI=true always installs clean.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';

const lock = readFileSync('package-lock.json');
const hash = createHash('sha256').update(lock).digest('hex');
const marker = 'node_modules/.marquee-lock-hash';
const ci = process.env.CI === 'true';
if (!ci && existsSync(marker) && readFileSync(marker, 'utf8') === hash) {
  console.log('[web] node_modules matches package-lock.json');
  process.exit(0);
}
execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], {
  stdio: 'inherit',
});
writeFileSync(marker, hash);
