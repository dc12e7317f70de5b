// The language: zh-CN unless the browser asks for English, and the /lang/en and /lang/zh-CN
// links switch the pages for the rest of the visit; a signed-in user's choice is stored (the
// language of their e-mails and digests), shown and changeable on their account page.

import assert from 'node:assert/strict';
import { TEXT, USERS, login, scenario } from '../lib.mjs';

const toEnglish = (page) => page.locator('a[href="/lang/en"]').first();
const toChinese = (page) => page.locator('a[href="/lang/zh-CN"]').first();

async function waitForLang(page, tag) {
  await page.locator(`html[lang="${tag}"]`).waitFor({ state: 'attached' });
}

scenario('switching to English and back changes the visible texts', async ({ page }) => {
  await login(page, USERS.supervisor);
  await page.goto('/items');
  await page.getByRole('heading', { name: TEXT.items.zh }).waitFor();
  await waitForLang(page, 'zh-CN');

  await toEnglish(page).click();
  await waitForLang(page, 'en');
  await page.getByRole('link', { name: TEXT.inbox.en }).first().waitFor();
  await page.getByRole('button', { name: TEXT.logout.en }).waitFor();
  await page.goto('/items');
  await page.getByRole('heading', { name: TEXT.items.en }).waitFor();
  assert.equal(await page.getByRole('heading', { name: TEXT.items.zh }).count(), 0);

  // The choice holds on the next page.
  await page.goto('/inbox');
  await page.getByRole('heading', { name: new RegExp(`^${TEXT.inbox.en}`) }).waitFor();
  await waitForLang(page, 'en');

  // Stored for the user: the account page shows it.
  await page.goto('/account/security');
  assert.equal(await page.locator('#user-lang').inputValue(), 'en');

  await toChinese(page).click();
  await waitForLang(page, 'zh-CN');
  await page.getByRole('link', { name: TEXT.items.zh }).first().waitFor();
  await page.getByRole('button', { name: TEXT.logout.zh }).waitFor();
  assert.equal(await page.getByRole('button', { name: TEXT.logout.en }).count(), 0);
  assert.equal(await page.locator('#user-lang').inputValue(), 'zh-CN');

  // Changed on the account page: stored, and the pages follow.
  await page.locator('#user-lang').selectOption('en');
  await page.locator('#lang button[type="submit"]').click();
  await waitForLang(page, 'en');
  assert.equal(await page.locator('#user-lang').inputValue(), 'en');
  await page.locator('#user-lang').selectOption('zh-CN');
  await page.locator('#lang button[type="submit"]').click();
  await waitForLang(page, 'zh-CN');
});

const english = { locale: 'en-US' };

scenario('an English browser gets English pages; 中文 switches them', english, async ({ page }) => {
  await page.goto('/login');
  await waitForLang(page, 'en');
  await page.getByRole('heading', { name: TEXT.login.en }).waitFor();

  // Before logging in too: the choice is remembered on the login page.
  await toChinese(page).click();
  await waitForLang(page, 'zh-CN');
  assert.equal(new URL(page.url()).pathname, '/login');
  await page.getByRole('heading', { name: TEXT.login.zh }).waitFor();
  await login(page, USERS.supervisor);
  await page.getByRole('link', { name: TEXT.items.zh }).first().waitFor();
  await waitForLang(page, 'zh-CN');
});
