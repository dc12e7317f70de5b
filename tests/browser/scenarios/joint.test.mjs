// Integrated supervision as the office and two member bodies meet it: the next joint meeting's
// agenda proposed with its reasons and edited, a decision of the held meeting dispatched as a
// new item with its chain; two bodies filing the same township in overlapping windows, the
// overlap flagged at once and merged by the lead body; the planning calendar on a phone.

import assert from 'node:assert/strict';
import { USERS, assertFitsWidth, login, scenario, shot } from '../lib.mjs';

function inDays(n) {
  const d = new Date(Date.now() + 8 * 3600 * 1000 + n * 86400 * 1000);
  return d.toISOString().slice(0, 10);
}

scenario('the office edits the next agenda and a decision becomes a dispatched item', async ({ page }) => {
  await login(page, USERS.supervisor);
  await page.getByRole('link', { name: '联席会议' }).first().click();
  await page.getByRole('heading', { level: 1, name: /联席会议/ }).waitFor();
  // The upcoming meeting: its agenda lists red and stalled items, each with why.
  await page.getByRole('link', { name: /月度调度/ }).click();
  await page.getByRole('heading', { level: 2, name: /议题/ }).waitFor();
  const lines = page.locator('li.agenda-line');
  assert.ok((await lines.count()) >= 5, 'the agenda is proposed');
  const reasons = await page.locator('ul.reasons li').allInnerTexts();
  assert.ok(reasons.some((r) => /已逾期\d+个工作日（红灯）/.test(r)), 'a red item says so');
  assert.ok(reasons.some((r) => /个工作日/.test(r) && /：/.test(r)), 'a stall names its unit');
  await shot(page, 'joint-agenda');
  // The office removes the last line and adds a topic of its own.
  const last = lines.last();
  const title = await last.locator('.agenda-head a').innerText();
  await last.getByRole('button', { name: '移出' }).click();
  await page.getByText('议题已调整').waitFor();
  await page.locator('li.agenda-line.removed', { hasText: title }).waitFor();
  await page.getByLabel('增加议题').fill('一季度督查检查计划统筹');
  await page.getByRole('button', { name: '增加议题' }).click();
  await page.locator('li.agenda-line', { hasText: '一季度督查检查计划统筹' }).waitFor();

  // The held meeting: a line becomes a new item, dispatched at once through the chain.
  await page.goto('/joint');
  await page.getByRole('link', { name: /第四季度/ }).click();
  await page.getByRole('link', { name: '会议纪要（Word）' }).waitFor();
  await shot(page, 'joint-meeting');
  const line = page.locator('li.agenda-line').filter({ hasNot: page.locator('.decisions') }).first();
  await line.locator('summary', { hasText: '记录议定事项' }).click();
  await line.getByLabel('决定类型').selectOption('new_item');
  await line.getByLabel('议定内容（写入纪要）').fill('由市交通运输局牵头开展专项整治，一个月内完成。');
  await line.getByLabel('新督办事项标题').fill('浏览器测试：专项整治');
  await line.getByLabel('完成时限').fill(inDays(40));
  await line.getByLabel('牵头单位/约谈对象').selectOption({ label: '市交通运输局' });
  await line.getByRole('button', { name: '记录议定事项' }).click();
  await page.getByText('议定事项已记录').waitFor();
  const made = page.locator('.decisions a', { hasText: '浏览器测试：专项整治' });
  await made.waitFor();
  assert.match(await made.innerText(), /督〔\d{4}〕\d+号/, 'numbered at dispatch');
  await made.click();
  await page.getByRole('heading', { level: 1, name: /浏览器测试：专项整治/ }).waitFor();
  await page.getByText('市交通运输局').first().waitFor();
});

scenario('two bodies plan the same township: the overlap shows at once and is merged', async ({ page }) => {
  const file = async (topic, from, to) => {
    await page.goto('/joint/inspections/new');
    await page.getByLabel('检查主题').fill(topic);
    await page.getByLabel('开始日期').fill(from);
    await page.getByLabel('结束日期').fill(to);
    await page.getByPlaceholder('搜索单位名称…').fill('梅岭镇');
    await page.locator('#p-units label', { hasText: '梅岭镇' }).locator('input').check();
    // Unticked unless the body says so: an unplanned visit waits for the office.
    const annual = page.locator('input[name=annual]');
    assert.equal(await annual.isChecked(), false);
    await annual.check();
    await page.getByRole('button', { name: '报备检查计划' }).click();
  };
  await login(page, 'rd.liaison');
  await file('农村公路养护情况视察', inDays(20), inDays(22));
  await page.getByText('检查计划已报备').waitFor();
  await page.context().clearCookies();
  await login(page, 'zx.liaison');
  // A bad form comes back with its values and the message, nothing filed.
  await page.goto('/joint/inspections/new');
  await page.getByLabel('检查主题').fill('村道安全调研');
  await page.getByRole('button', { name: '报备检查计划' }).click();
  await page.getByText('此项必填').first().waitFor();
  assert.equal(await page.getByLabel('检查主题').inputValue(), '村道安全调研');
  await file('村道安全调研', inDays(21), inDays(23));
  await page.getByText('发现与其他单位计划重叠').waitFor();
  await page.getByText('同一对象、时间重叠').waitFor();
  await shot(page, 'joint-overlap');
  // The lead body (the earlier plan) merges it into one joint inspection.
  await page.context().clearCookies();
  await login(page, 'rd.liaison');
  await page.getByRole('link', { name: '联席会议' }).first().click();
  await page.getByRole('link', { name: /农村公路养护情况视察/ }).first().click();
  await page.getByRole('button', { name: '合并为联合督查' }).click();
  await page.getByText('已合并为联合督查').first().waitFor();
  await page.getByText('联合：市政协办公室').waitFor();
  // The quarter's calendar at desktop width: every township's visits, days and forms by week.
  await page.goto('/joint/inspections?quarter=2026-Q4');
  await page.locator('tr.over', { hasText: '双河乡' }).waitFor();
  await shot(page, 'joint-calendar');
});

scenario('the planning calendar shows the burden on a phone', { device: 'phone' }, async ({ page }) => {
  await login(page, USERS.supervisor);
  await page.goto('/joint/inspections?quarter=2026-Q4');
  await page.getByRole('heading', { level: 1, name: /统筹日历/ }).waitFor();
  await page.locator('tr.over', { hasText: '双河乡' }).waitFor();
  await page.getByText('超出基层减负额度').first().waitFor();
  await assertFitsWidth(page);
  await shot(page, 'joint-calendar');
});
