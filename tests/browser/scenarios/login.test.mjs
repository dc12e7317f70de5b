// Logging in: the page's language, the inline error of a wrong password, and where a
// successful login lands.

import assert from 'node:assert/strict';
import { TEXT, USERS, login, scenario } from '../lib.mjs';

scenario('the login page is in Chinese and shows a wrong password inline', async ({ page }) => {
  const res = await page.goto('/login');
  assert.equal(res.status(), 200);
  assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
  await page.getByRole('heading', { name: TEXT.login.zh }).waitFor();
  assert.equal(await page.getByRole('alert').count(), 0, 'no error before trying');

  await page.getByLabel(TEXT.username.zh).fill(USERS.supervisor2);
  await page.getByLabel(TEXT.password.zh).fill('not-the-password');
  const [answer] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/login')),
    page.getByRole('button', { name: TEXT.login.zh }).click(),
  ]);
  assert.equal(answer.status(), 401);
  await page.waitForLoadState();
  assert.equal(new URL(page.url()).pathname, '/login');
  assert.equal((await page.getByRole('alert').textContent()).trim(), TEXT.loginFailed.zh);
  assert.equal(await page.getByLabel(TEXT.username.zh).inputValue(), USERS.supervisor2);
  assert.equal(await page.getByLabel(TEXT.password.zh).inputValue(), '');
});

scenario('a correct login lands on the workbench, then the register', async ({ page }) => {
  await page.goto('/');
  assert.equal(new URL(page.url()).pathname, '/login', 'the site asks to log in first');
  await login(page, USERS.supervisor);
  assert.equal(new URL(page.url()).pathname, '/workbench');
  await page.getByRole('heading', { name: /^您好/ }).waitFor();
  await page.getByRole('link', { name: TEXT.items.zh }).first().click();
  await page.waitForURL(/\/items$/);
  await page.getByRole('heading', { name: TEXT.items.zh }).waitFor();
  assert.match(await page.title(), new RegExp(TEXT.items.zh));
  // The city's supervisor sees the register's items, each linking to its page.
  const links = page.locator('a[href^="/items/"]');
  assert.ok((await links.count()) > 10, "the register lists the demo city's items");
  await page.getByRole('button', { name: TEXT.logout.zh }).waitFor();
});
