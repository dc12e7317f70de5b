// Invalid forms come back as they were typed, with status 422 and a Chinese message next to
// each wrong field, and change nothing: the register form and the report form.

import assert from 'node:assert/strict';
import { USERS, allItems, api, assertFitsWidth, scenario } from '../lib.mjs';
import { Desk, UI, daysAhead, photograph, uniqueTitle } from '../flow.mjs';

/** The `.field` around the (first) input labelled `label`. */
function field(page, label) {
  return page.locator('.field').filter({ has: page.getByLabel(label, { exact: true }) }).first();
}

/** Expects `label`'s field marked bad with `message` beside it. */
async function expectError(page, label, message) {
  const f = field(page, label);
  await f.locator('.err').waitFor();
  const shown = (await f.locator('.err').textContent()).trim();
  assert.equal(shown, message, `the error next to ${label}`);
  assert.match(await f.getAttribute('class'), /\bbad\b/, `${label}'s field is marked bad`);
}

/** Items of the supervisor's register titled `title`. */
async function itemsTitled(title) {
  const client = await api(USERS.supervisor);
  try {
    return (await allItems(client)).filter((i) => i.title.trim() === title);
  } finally {
    await client.dispose();
  }
}

for (const device of ['desktop', 'phone']) {
  const name = `the register form shows its errors next to the fields (${device})`;
  scenario(name, { device }, async ({ page }) => {
    const desk = new Desk(page);
    const input = (label) => page.getByLabel(label, { exact: true }).first();
    await desk.as(USERS.supervisor);
    await desk.menu(UI.newItem);
    await page.waitForURL((u) => u.pathname === '/items/new');

    const description = '描述保留：请勿丢失已填写的内容。';
    const deadline = daysAhead(40);
    await input(UI.description.zh).fill(description);
    await input(UI.deadlineDate.zh).fill(deadline);
    await input(UI.targetName.zh).fill('新增停车泊位');
    await input(UI.targetUnit.zh).fill('个');
    await input(UI.targetValue.zh).fill('abc');
    const answer = await desk.post(page.getByRole('button', { name: UI.saveDraft.zh }));
    assert.equal(answer.status(), 422);

    assert.equal(new URL(page.url()).pathname, '/items/new', 'the form stays');
    await page.getByRole('alert').filter({ hasText: UI.formErrors.zh }).waitFor();
    await expectError(page, UI.title.zh, UI.required.zh);
    await expectError(page, UI.targetValue.zh, UI.notANumber.zh);
    // What was typed is still there.
    assert.equal(await input(UI.description.zh).inputValue(), description);
    assert.equal(await input(UI.deadlineDate.zh).inputValue(), deadline);
    assert.equal(await input(UI.targetName.zh).inputValue(), '新增停车泊位');
    assert.equal(await input(UI.targetValue.zh).inputValue(), 'abc');
    await assertFitsWidth(page);
    await photograph(page, 'item-form-errors');

    // Nothing was registered: no item without a title, nor with a title and a bad target.
    assert.deepEqual(await itemsTitled(''), []);
    const title = uniqueTitle('错误指标值');
    await input(UI.title.zh).fill(title);
    const again = await desk.post(page.getByRole('button', { name: UI.saveDraft.zh }));
    assert.equal(again.status(), 422);
    await expectError(page, UI.targetValue.zh, UI.notANumber.zh);
    assert.equal(await input(UI.title.zh).inputValue(), title);
    assert.deepEqual(await itemsTitled(title), [], 'the invalid form registered nothing');
  });
}

/** An assignment of 龙潭镇 that takes reports, and its item's report count (via the API). */
async function longtanWork() {
  const client = await api(USERS.longtanLiaison);
  try {
    const res = await client.get('/api/v1/workbench');
    assert.ok(res.ok(), `GET /api/v1/workbench: HTTP ${res.status()}`);
    const [work] = (await res.json()).to_report;
    assert.ok(work, '龙潭镇 has work to report on in the demo city');
    const reports = async () => {
      const item = await client.get(`/api/v1/items/${work.item_id}`);
      assert.ok(item.ok());
      return (await item.json()).reports.length;
    };
    return { work, reports: await reports() };
  } finally {
    await client.dispose();
  }
}

scenario('the report form refuses a progress over 100 % next to the field', async ({ page }) => {
  const { work, reports } = await longtanWork();
  const desk = new Desk(page);
  await desk.as(USERS.longtanLiaison);
  await page.goto(`/items/${work.item_id}`);
  const form = await desk.fillReport(work.unit_name, {
    completion: false,
    percent: 150,
    text: '进度填写有误。',
  });
  const answer = await desk.post(form.getByRole('button', { name: UI.submit.zh, exact: true }));
  assert.equal(answer.status(), 422);

  // The page comes back with the report form open and the message beside the percent.
  const again = desk.work(work.unit_name).locator('details.action[open]');
  const percent = again.locator('.field').filter({ has: page.getByLabel(UI.percent.zh) });
  await percent.locator('.err').waitFor();
  assert.equal((await percent.locator('.err').textContent()).trim(), UI.percentRange.zh);
  assert.match(await percent.getAttribute('class'), /\bbad\b/);

  const after = await longtanWork();
  assert.equal(after.reports, reports, 'no report was filed');
});
