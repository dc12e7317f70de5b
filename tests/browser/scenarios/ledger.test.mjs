// The office moves its Excel ledger (台账) into ducha: the template downloads, a ledger with
// bad cells is refused whole and the report names each cell (第N行 X列 …) with nothing
// registered; the corrected ledger imports with progress and its matters are in the register,
// sent to the leader for approval (a supervisor may not approve items, so 直接交办 does not
// skip the leader for them).

import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { USERS, login, scenario, shot } from '../lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const GOOD = path.resolve(here, '../../../docs/samples/台账示例.xlsx');
const BAD = path.resolve(here, '../fixtures/ledger-bad.xlsx');

const DISPATCH = '按台账直接交办（台账所列事项已经领导审定；无审批权限的，导入后报送领导审批）';

async function upload(page, file, mode) {
  await page.goto('/items/import');
  await page.getByRole('heading', { level: 1, name: '导入台账' }).waitFor();
  await page.getByLabel(mode).check();
  await page.getByLabel('台账文件').setInputFiles(file);
  await page.getByRole('button', { name: '导入台账' }).click();
  await page.waitForURL((u) => u.pathname.startsWith('/items/import/jobs/'));
}

scenario('a ledger with bad cells is refused whole, the corrected one imports', async ({ page }) => {
  await login(page, USERS.supervisor);
  await page.goto('/items');
  await page.getByRole('link', { name: '导入台账' }).click();
  await page.waitForURL('**/items/import');
  const template = await page.request.get('/items/import/template');
  assert.equal(template.status(), 200);
  assert.match(template.headers()['content-type'], /spreadsheetml/);

  await upload(page, BAD, DISPATCH);
  const table = page.locator('#ledger-problems');
  await table.waitFor();
  const problems = await table.locator('tbody tr').allTextContents();
  assert.equal(problems.length, 2, problems.join('\n'));
  assert.match(problems[0], /第4行 G列 交办日期.*“2026-13-01”不是日期/);
  assert.match(problems[1], /第5行 J列 配合单位.*“省交通运输厅”不是本辖区内的单位/);
  assert.match(await page.locator('#ledger-rejected').textContent(), /未导入任何事项/);
  await shot(page, 'ledger-report');
  await page.goto('/items?q=%E4%B8%AD%E5%BF%83%E5%9F%8E%E5%8C%BA%E5%81%9C%E8%BD%A6');
  assert.equal(await page.locator('#results a', { hasText: '中心城区停车设施补短板' }).count(), 0);

  await upload(page, GOOD, DISPATCH);
  const done = page.locator('#ledger-done');
  await done.waitFor({ timeout: 30_000 });
  const summary = await done.textContent();
  assert.match(summary, /已导入3项事项、0个交办单位/);
  assert.match(summary, /已报送领导审批/);
  await page.goto('/items?q=%E4%B8%AD%E5%BF%83%E5%9F%8E%E5%8C%BA%E5%81%9C%E8%BD%A6');
  const link = page.locator('#results a', { hasText: '中心城区停车设施补短板' });
  await link.first().waitFor();
  await link.first().click();
  const main = await page.locator('main').textContent();
  assert.ok(main.includes('待审批'), main);
});
