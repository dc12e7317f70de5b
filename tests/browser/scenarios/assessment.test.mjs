// The assessment (平时成绩) as the office and a unit meet it: the ranking of a final month, a
// unit's card whose every line links to its events, a county appealing a deduction of the open
// month with a photo as evidence, and the office deciding it in the queue, the evidence at hand;
// the ranking's trend on the month before, and the cadre record's praise linked to the bulletin
// that gave it.

import assert from 'node:assert/strict';
import { sitePhoto } from '../flow.mjs';
import { USERS, assertFitsWidth, login, scenario, shot } from '../lib.mjs';

scenario('the office ranks a final month and decides an appeal', async ({ page }) => {
  await login(page, USERS.supervisor);
  await page.getByRole('link', { name: '平时成绩' }).click();
  await page.getByRole('heading', { level: 1, name: /^平时成绩/ }).waitFor();
  // September is final: pick it.
  await page.getByLabel('考核期间').selectOption('2026-09');
  await page.getByRole('button', { name: '查看' }).click();
  await page.getByText('已定稿').first().waitFor();
  const rows = page.locator('table.ranking tbody tr');
  assert.ok((await rows.count()) > 10, 'units are ranked');
  // Each unit's score of the month before and the change, in words as well as arrows.
  assert.ok(
    (await page.getByText(/^(比上期(上升|下降)[\d.]+分|与上期持平)$/).count()) > 10,
    'the trend is told in words',
  );
  await assertFitsWidth(page);
  await shot(page, 'assessment-ranking');
  // A card: every line names its events.
  await rows.last().getByRole('link').click();
  await page.getByRole('heading', { level: 1, name: /成绩单/ }).waitFor();
  const lines = page.locator('table.score-lines tbody tr');
  const n = await lines.count();
  assert.ok(n > 0, 'the card has lines');
  for (let i = 0; i < n; i += 1) {
    assert.ok((await lines.nth(i).locator('a.event-link').count()) > 0, `line ${i} links an event`);
  }
  await shot(page, 'assessment-card');
  // The appeals queue has the open month's appeals; the office rejects one with a reason.
  await page.goto('/assessment/appeals');
  const pending = page.locator('section.appeal', { hasText: '待裁定' }).first();
  await pending.waitFor();
  // Each names the contested line and carries the unit's evidence, a picture that opens.
  await pending.getByText('申辩事项').waitFor();
  const proof = pending.getByRole('link', { name: /\.(png|pdf)/ }).first();
  await proof.waitFor();
  const file = await page.request.get(await proof.getAttribute('href'));
  assert.equal(file.status(), 200, 'the office opens the evidence');
  assert.match(file.headers()['content-type'], /^(image\/png|application\/pdf)/);
  await pending.getByLabel('意见').fill('经核实，扣分事实清楚。');
  await pending.getByRole('button', { name: '申辩不成立' }).click();
  await page.getByText('申辩已裁定').waitFor();
});

scenario('a county appeals a deduction on its own card', async ({ page, context }) => {
  await login(page, USERS.yunxiLiaison);
  // The county's liaison opens the city's card of its county from the sidebar …
  await page.getByRole('link', { name: '本单位成绩单' }).click();
  await page.getByRole('heading', { level: 1, name: /云溪县 · 成绩单/ }).waitFor();
  // … for the demo's open month (seeded as of 2026-11-27), whatever month it is now.
  const card = new URL(page.url());
  card.searchParams.set('period', '2026-11');
  await page.goto(card.pathname + card.search);
  await page.getByRole('heading', { level: 1, name: '云溪县 · 成绩单 · 2026-11' }).waitFor();
  await page.getByText('未定稿').first().waitFor();
  const lines = page.locator('table.score-lines tbody tr');
  const deductions = lines.filter({ has: page.locator('strong.neg') });
  assert.ok((await deductions.count()) > 0, 'the open month has deductions');
  const forms = lines.locator('details');
  // The server keeps today's clock; the run configures the appeal window wide (see run.sh) so
  // that the seeded open month offers the form on every deduction not yet appealed.
  await page.getByText(/可在期末后\d+个工作日内申辩/).waitFor();
  const offered = await forms.count();
  assert.ok(offered > 0, 'a deduction to appeal');
  const waiting = lines.filter({ hasText: '待裁定' });
  const before = await waiting.count();
  const open = forms.first();
  await open.locator('summary').click();
  const reason = '该督办单对应事项已按期报送，附现场照片，请核实。';
  await open.getByLabel('申辩理由').fill(reason);
  await open.getByLabel('佐证材料', { exact: true }).setInputFiles(await sitePhoto(context, '申辩现场照片.png'));
  await open.getByRole('button', { name: '申辩' }).click();
  await page.getByText('申辩已提交').waitFor();
  // The line now waits for the office, shows its photo, and offers no second appeal.
  assert.equal(await waiting.count(), before + 1, 'the appealed line waits for the office');
  assert.equal(await forms.count(), offered - 1, 'one form fewer');
  await page.getByRole('link', { name: '申辩现场照片.png' }).first().waitFor();
  await assertFitsWidth(page);
  // The office finds it in the queue with the line and the photo.
  await context.clearCookies();
  await login(page, USERS.supervisor);
  await page.goto('/assessment/appeals?period=2026-11');
  const mine = page.locator('section.appeal', { hasText: reason });
  await mine.waitFor();
  await mine.getByText('申辩事项').waitFor();
  await mine.getByRole('link', { name: '申辩现场照片.png' }).waitFor();
  await shot(page, 'assessment-appeals');
});

scenario('the cadre record shows the praise of a published bulletin', async ({ page }) => {
  await login(page, USERS.supervisor);
  // The demo's bulletins are published on its last working day (27 November 2026), each
  // praising the units its good practice names: their people's November record shows it.
  await page.goto('/assessment/cadres?period=2026-11');
  await page.getByRole('heading', { level: 1, name: '干部履职记录 · 2026-11' }).waitFor();
  const praised = page.locator('details', { hasText: '通报表扬' }).first();
  await praised.locator('summary').click();
  const link = praised.getByRole('listitem').filter({ hasText: '通报表扬' }).first().getByRole('link');
  assert.match(await link.getAttribute('href'), /^\/bulletins\/\d+$/);
  // Someone with nothing to praise says so.
  assert.ok((await page.getByText('本期没有表扬记录。').count()) > 0, 'a record without praise');
  await assertFitsWidth(page);
  await shot(page, 'assessment-cadres');
  await link.click();
  await page.getByText('通报表扬').first().waitFor();
});
