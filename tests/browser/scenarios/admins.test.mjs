// The three separated admins (三员分立) of the demo city: each sidebar leads only to the admin's
// own pages; the audit admin reads the security log (a failed login made just before is on
// it); the security admin's page lists locked accounts, sessions, tokens and the policies in
// force; the system admin keeps the users page. Screenshots of the first two go to the
// artefacts (security-log-desktop.png, security-desktop.png).

import assert from 'node:assert/strict';
import { USERS, assertFitsWidth, login, scenario, shot } from '../lib.mjs';

const MENU = '菜单';

/** The sidebar's links, by their address. */
async function sidebar(page) {
  const nav = page.getByRole('navigation', { name: MENU });
  await nav.waitFor();
  return nav.locator('a').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
}

scenario('the audit admin reads the security log, and only that', async ({ page }) => {
  // A failed login just before: the log shows it with the account and the address.
  await page.goto('/login');
  await assert.rejects(login(page, USERS.zjjLiaison, { password: 'not-the-password-1' }));

  await login(page, 'auditadmin');
  await page.getByRole('heading', { name: /^您好/ }).waitFor();
  assert.deepEqual(await sidebar(page), ['/workbench', '/security-log', '/account/security']);
  await page.getByRole('navigation', { name: MENU }).getByRole('link', { name: '安全审计日志' }).click();
  await page.getByRole('heading', { level: 1, name: '安全审计日志' }).waitFor();
  const failed = page.locator(`#security-log tr[data-kind="login.failed"]`).first();
  await failed.waitFor();
  assert.match(await failed.textContent(), new RegExp(`${USERS.zjjLiaison.replace('.', '\\.')} 登录失败`));
  assert.match(await failed.textContent(), /127\.0\.0\.1/);
  await assertFitsWidth(page);
  await shot(page, 'security-log');

  // Filtering by kind keeps only that kind.
  await page.getByLabel('类型').selectOption('login.succeeded');
  await page.getByRole('button', { name: '搜索' }).click();
  await page.waitForURL((u) => u.searchParams.get('kind') === 'login.succeeded');
  assert.equal(await page.locator('#security-log tr[data-kind="login.failed"]').count(), 0);

  // Business pages and the other admins' pages are refused.
  for (const path of ['/items', '/security', '/admin']) {
    const res = await page.goto(path);
    assert.ok([403, 404].includes(res.status()), `${path}: ${res.status()}`);
  }
});

scenario("the security admin's page and workbench", async ({ page }) => {
  await login(page, 'secadmin');
  await page.getByRole('heading', { name: /^您好/ }).waitFor();
  await page.getByText('等待处理的锁定账号').first().waitFor();
  assert.deepEqual(await sidebar(page), ['/workbench', '/security', '/account/security']);
  await page.getByRole('navigation', { name: MENU }).getByRole('link', { name: '安全管理' }).click();
  await page.getByRole('heading', { level: 1, name: '安全管理' }).waitFor();
  for (const name of ['锁定的账号', '在线会话', 'API 令牌', '正在执行的安全策略']) {
    await page.getByRole('heading', { level: 2, name: new RegExp(`^${name}`) }).waitFor();
  }
  // The demo city's township liaison who mistyped the password five times this morning is
  // locked, waiting for the security admin.
  await page.locator('#locked tr', { hasText: 'qingfengjd.liaison' }).waitFor();
  // Its own session is listed among the live ones.
  await page.locator('#sessions tr[data-user="secadmin"]').waitFor();
  await assertFitsWidth(page);
  await shot(page, 'security');
  const res = await page.goto('/security-log');
  assert.equal(res.status(), 403);
});

scenario('the system admin keeps the users page', async ({ page }) => {
  await login(page, USERS.sysadmin);
  await page.getByRole('heading', { name: /^您好/ }).waitFor();
  assert.deepEqual(await sidebar(page), ['/workbench', '/admin', '/account/security']);
  const res = await page.goto('/admin');
  assert.equal(res.status(), 200);
  assert.ok((await page.getByRole('button', { name: '停用' }).count()) > 0, 'users can be disabled');
  for (const path of ['/items', '/security', '/security-log']) {
    const r = await page.goto(path);
    assert.ok([403, 404].includes(r.status()), `${path}: ${r.status()}`);
  }
});
