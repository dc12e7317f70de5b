// The public side (公开) as a citizen uses it on a phone: the appeal form at 390 px, the
// tracking code, following it; a public item's page; and axe-core on every public page,
// in normal and large-text mode (适老化), with no serious or critical violation.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { USERS, assertFitsWidth, scenario, shot } from '../lib.mjs';
import { Desk, UI, daysAhead, uniqueTitle } from '../flow.mjs';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** Runs axe-core (WCAG 2.0/2.1 A and AA rules) on the page; fails on serious or critical. */
async function accessible(page, what) {
  // Evaluated through the debugging protocol: the page's CSP (script-src 'self') stays as is.
  await page.evaluate(AXE);
  const result = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }),
  );
  const bad = result.violations.filter((v) => ['serious', 'critical'].includes(v.impact));
  assert.deepEqual(
    bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    [],
    `${what}: accessibility violations`,
  );
}

/** Solves the form's check question as a person would (三加五等于几？). */
function solve(question) {
  const digits = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
  const m = question.match(/([零一二三四五六七八九十]+)([加减])([零一二三四五六七八九十]+)等于几/);
  assert.ok(m, `a question: ${question}`);
  const n = (s) => digits.indexOf(s);
  return String(m[2] === '加' ? n(m[1]) + n(m[3]) : n(m[1]) - n(m[3]));
}

scenario('a citizen submits an appeal from a phone and follows it', { device: 'phone' }, async ({ page }) => {
  await page.goto('/public/appeal');
  await page.getByRole('heading', { level: 1, name: '我要反映' }).waitFor();
  await assertFitsWidth(page);
  await accessible(page, 'the appeal form');
  await shot(page, 'public-appeal');
  await page.getByLabel('所在区县或乡镇（街道）').selectOption({ label: '\u3000\u3000龙潭镇' });
  await page.getByLabel('诉求类别').selectOption({ label: '住房物业' });
  await page
    .getByLabel('诉求内容')
    .fill('我叫刘洋，电话15912345678，住和平路8号，小区电梯停运三天无人修，老人上下楼很困难。');
  await page.getByLabel('联系方式（选填）').fill('15912345678');
  const label = await page.locator('label[for="a-answer"]').textContent();
  await page.locator('#a-answer').fill(solve(label));
  await page.getByRole('button', { name: '提交诉求' }).click();
  await page.waitForURL((u) => u.pathname.startsWith('/public/track/'));
  const code = (await page.locator('.alert.ok .code').textContent()).trim();
  assert.match(code, /^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);
  const body = await page.locator('main').textContent();
  assert.ok(body.includes('我叫刘*，电话159********'), body);
  assert.ok(!body.includes('15912345678') && !body.includes('刘洋'), 'nothing personal shown');
  await accessible(page, 'the receipt');

  // Later, from the tracking form, typed in lower case without dashes.
  await page.goto('/public/track');
  await page.getByLabel('查询码').fill(code.replaceAll('-', '').toLowerCase());
  await page.getByRole('button', { name: '查询' }).click();
  await page.waitForURL((u) => u.pathname === `/public/track/${code}`);
  await page.getByText('已受理').first().waitFor();
  await assertFitsWidth(page);
  await accessible(page, 'the tracking page');
});

scenario('a public item, and every public page accessible in large-text mode', { device: 'phone' }, async ({ page }) => {
  // The office registers a public item through its pages and dispatches it.
  const desk = new Desk(page);
  await desk.as(USERS.supervisor);
  const title = uniqueTitle('老旧小区加装电梯');
  await desk.menu(UI.newItem);
  await page.getByLabel(desk.t(UI.title), { exact: true }).fill(title);
  await page.getByLabel(desk.t(UI.description), { exact: true }).fill('群众反映集中的三最事项，进度向社会公开。');
  await page.getByLabel(desk.t(UI.deadlineDate), { exact: true }).fill(daysAhead(60));
  await page.getByLabel(desk.t(UI.cadence), { exact: true }).selectOption({ label: desk.t(UI.cadenceNone) });
  await page.getByLabel('公开事项（可向群众公示进度）').check();
  await desk.act(page.getByRole('button', { name: desk.t(UI.saveDraft) }), 'created');
  const id = Number(new URL(page.url()).pathname.split('/').pop());
  await desk.submitForApproval();
  await desk.as(USERS.mayor);
  await page.goto(`/items/${id}`);
  await desk.approve('同意公开督办');
  await desk.as(USERS.supervisor);
  await page.goto(`/items/${id}`);
  await desk.dispatch('云溪县');

  const citizen = await page.context().browser().newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
  const p = await citizen.newPage();
  try {
    for (const big of ['', '?big=1']) {
      await p.goto(`${new URL(page.url()).origin}/public${big}`);
      await p.getByRole('link', { name: title }).click();
      await p.getByRole('heading', { level: 1, name: title }).waitFor();
      await p.getByText('交办承办单位').waitFor();
      await assertFitsWidth(p);
      await accessible(p, `the public item${big}`);
      for (const path of ['/public', '/public/appeal', '/public/track']) {
        await p.goto(`${new URL(page.url()).origin}${path}${big}`);
        await accessible(p, `${path}${big}`);
      }
    }
    await shot(p, 'public-track');
  } finally {
    await citizen.close();
  }
});
