// Chain analytics as the supervision office meets them: the stall map draws its heat map
// (vendored ECharts, no console errors) and drills down from a unit to its assignments; the
// findings list names the demo's culprits; an item's chain shows the days per hop, who held it
// when and who lost the days. Pictures at desktop and phone width.

import assert from 'node:assert/strict';
import { USERS, api, assertFitsWidth, login, scenario, shot } from '../lib.mjs';

/** Console errors and uncaught exceptions of a page, collected as it runs. */
function watchErrors(page) {
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  return errors;
}

for (const device of ['desktop', 'phone']) {
  scenario(`the stall map draws and drills down at ${device} width`, { device }, async ({ page }) => {
    const errors = watchErrors(page);
    await login(page, USERS.supervisor);
    // The sidebar leads there (on a phone, through the drawer).
    if (device === 'phone') await page.getByRole('button', { name: '菜单' }).click();
    await page.getByRole('link', { name: '链条分析' }).click();
    await page.getByRole('heading', { level: 1, name: '梗阻热力图' }).waitFor();
    // ECharts draws into a canvas inside the heat map's container.
    await page.locator('#stall-heatmap canvas').first().waitFor();
    const table = page.locator('table.heat');
    assert.ok((await table.locator('tbody tr').count()) > 5, 'units are listed');
    await assertFitsWidth(page);
    await shot(page, 'stall-map');
    // 松岭县 held 农村危房改造动态清零 before passing it down; its figures lead to its work.
    await table.getByRole('link', { name: '松岭县', exact: true }).first().click();
    await page.getByRole('heading', { level: 1, name: /^松岭县/ }).waitFor();
    const rows = page.locator('table tbody tr');
    assert.ok((await rows.count()) > 0, 'the county has assignments');
    await page.getByRole('link', { name: /农村危房改造动态清零/ }).first().waitFor();
    await assertFitsWidth(page);
    assert.deepEqual(errors, [], 'no console errors');
  });
}

scenario('the findings list names the culprits, and an item shows its chain', async ({ page }) => {
  const errors = watchErrors(page);
  await login(page, USERS.supervisor);
  await page.goto('/analytics/findings');
  await page.getByRole('heading', { level: 1, name: '问题线索' }).waitFor();
  const rows = page.locator('table.findings-table tbody tr');
  const first20 = (await rows.allTextContents()).slice(0, 20).join('\n');
  for (const culprit of ['松岭县', '白石镇', '市生态环境局', '白河县农业农村局', '枫林市']) {
    assert.ok(first20.includes(culprit), `${culprit} is among the first 20 findings`);
  }
  await assertFitsWidth(page);
  await shot(page, 'findings');
  // Filter to dilution only.
  await page.getByLabel('问题类型').selectOption('dilution');
  await page.getByRole('button', { name: '筛选' }).click();
  await page.waitForURL(/group=dilution/);
  const kinds = await page.locator('table.findings-table tbody tr').evaluateAll(
    (trs) => trs.map((tr) => tr.getAttribute('data-kind')),
  );
  assert.ok(kinds.length > 0 && kinds.every((k) => ['target_dropped', 'target_shrunk', 'accepted_short'].includes(k)), kinds.join());
  // From 长滩镇's finding to its item: the chain shows the help wait and who lost the days.
  const client = await api(USERS.supervisor);
  let item;
  try {
    const res = await client.get('/api/v1/analytics/findings?kind=help_unanswered');
    item = (await res.json()).find((f) => f.unit_name === '白河县农业农村局').item_id;
  } finally {
    await client.dispose();
  }
  await page.goto(`/items/${item}`);
  await page.locator('#chain').waitFor();
  assert.match(await page.locator('#chain').textContent(), /白河县农业农村局 \d+（协调申请未答复）/);
  assert.ok((await page.locator('td.dwell .hop').count()) > 0, 'hops per assignment');
  await shot(page, 'item-chain');
  assert.deepEqual(errors, [], 'no console errors');
});
