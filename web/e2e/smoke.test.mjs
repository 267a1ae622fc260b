import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { dropDatabase, freshDatabase, launchBrowser, newPage, startServer } from './harness.mjs';

let server;
let browser;
let db;

before(async () => {
  db = freshDatabase();
  server = await startServer(db ? { DATABASE_URL: db } : {});
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  dropDatabase(db);
});

test('the home page loads from the jar with no console errors', { timeout: 30_000 }, async () => {
  const page = await newPage(browser);
  const response = await page.goto(server.url + '/');
  assert.equal(response.status(), 200);
  assert.match(response.headers()['content-security-policy'], /script-src 'self'/);
  await page.waitForSelector('main');
  assert.deepEqual(page.consoleErrors(), []);
});
