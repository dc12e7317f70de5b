// From a citizen's appeal to supervision and back: a citizen at 390 px submits from
// /public/appeal and keeps the code; the city's supervisor (zf.ducha1) opens the appeal's hot
// issue, makes a public 三最 item of it, has it approved and dispatches it; the citizen opens
// /public/track/{code} and sees the item's public progress. 云溪县 reports completion, the
// office accepts and closes the item; the citizen's tracking page shows the appeal closed and
// asks for a rating, which the citizen gives once. Also the office's hot-issue list.

import assert from 'node:assert/strict';
import { USERS, assertFitsWidth, newContext, scenario, shot } from '../lib.mjs';
import { Desk, daysAhead } from '../flow.mjs';

/** Solves the form's check question as a person would (三加五等于几？). */
function solve(question) {
  const digits = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
  const m = question.match(/([零一二三四五六七八九十]+)([加减])([零一二三四五六七八九十]+)等于几/);
  assert.ok(m, `a question: ${question}`);
  const n = (s) => digits.indexOf(s);
  return String(m[2] === '加' ? n(m[1]) + n(m[3]) : n(m[1]) - n(m[3]));
}

scenario('a citizen\'s appeal becomes a hot issue, an item, and public progress', {}, async ({ page }) => {
  // The citizen, on a phone (390 px).
  const phone = await newContext({ device: 'phone' });
  const p = await phone.newPage();
  let code;
  const stamp = Date.now() % 100000;
  try {
    await p.goto('/public/appeal');
    await p.getByLabel('所在区县或乡镇（街道）').selectOption({ label: '\u3000\u3000龙潭镇' });
    await p.getByLabel('诉求类别').selectOption({ label: '城市管理' });
    await p
      .getByLabel('诉求内容')
      .fill(`龙潭镇青石巷${stamp}号附近的垃圾中转站臭味很重，夏天苍蝇成群，一直没人清理。`);
    const label = await p.locator('label[for="a-answer"]').textContent();
    await p.locator('#a-answer').fill(solve(label));
    await p.getByRole('button', { name: '提交诉求' }).click();
    await p.waitForURL((u) => u.pathname.startsWith('/public/track/'));
    code = (await p.locator('.alert.ok .code').textContent()).trim();
    await assertFitsWidth(p);
  } finally {
    await phone.close();
  }

  // The supervisor finds the appeal and its hot issue, and makes an item of it.
  const desk = new Desk(page);
  await desk.as(USERS.supervisor);
  await page.goto('/appeals/hot');
  await page.getByRole('heading', { level: 1, name: '热点诉求' }).waitFor();
  assert.ok((await page.locator('tr[data-hot]').count()) > 0, 'the demo city has hot issues');
  await shot(page, 'appeals-hot');
  await page.goto('/appeals');
  await page.locator('tr[data-appeal]', { hasText: code }).getByRole('link').click();
  await page.locator('#appeal-hot').click();
  await page.waitForURL((u) => /^\/appeals\/hot\/\d+$/.test(u.pathname));
  await page.getByRole('heading', { level: 2, name: '转为督办事项' }).waitFor();
  // The form proposes an office-style title (关于…问题的督办).
  const proposed = await page.getByLabel('标题', { exact: true }).inputValue();
  assert.match(proposed, /^关于.+问题的督办$/, proposed);
  // No digits: the public pages mask house numbers.
  const title = '青石巷垃圾中转站异味整治';
  await page.getByLabel('标题', { exact: true }).fill(title);
  await page.getByLabel('截止日期', { exact: true }).fill(daysAhead(30));
  await page.locator('#hot-make-item').click();
  await page.waitForURL((u) => u.searchParams.get('done') === 'hot_turned');
  const id = Number(new URL(page.url()).pathname.split('/').pop());
  await desk.submitForApproval();
  await desk.as(USERS.mayor);
  await page.goto(`/items/${id}`);
  await desk.approve('同意，回应群众关切');
  await desk.as(USERS.supervisor);
  await page.goto(`/items/${id}`);
  await desk.dispatch('云溪县');

  // The citizen follows it by the code.
  const again = await newContext({ device: 'phone' });
  const q = await again.newPage();
  try {
    await q.goto(`/public/track/${code}`);
    await q.getByRole('heading', { level: 2, name: '办理情况' }).waitFor();
    await q.getByRole('link', { name: title }).first().waitFor();
    await q.getByText('交办承办单位').waitFor();
    await assertFitsWidth(q);
    await shot(q, 'hot-track');
    assert.equal(await q.locator('#rate').count(), 0, 'no rating before the close');
  } finally {
    await again.close();
  }

  // 云溪县 reports completion; the office accepts and closes the item (办结).
  await desk.as(USERS.yunxiLiaison);
  await page.goto(`/items/${id}`);
  await desk.sign('云溪县');
  await desk.report('云溪县', { completion: true, percent: 100, text: '中转站已清洗消杀，增加清运频次。' });
  await desk.as(USERS.supervisor);
  await page.goto(`/items/${id}`);
  await desk.review('云溪县', 'accept', '符合办结要求。');
  await desk.closeItem('群众反映问题已解决。');

  // The citizen sees the appeal closed and rates it, once.
  const last = await newContext({ device: 'phone' });
  const r = await last.newPage();
  try {
    await r.goto(`/public/track/${code}`);
    await r.getByText('已办结').first().waitFor();
    const form = r.locator('#rate');
    await form.getByLabel('满意', { exact: true }).check();
    await form.getByRole('button').click();
    await r.locator('#rated').waitFor();
    assert.equal(await r.locator('#rate').count(), 0, 'asked once');
    await assertFitsWidth(r);
  } finally {
    await last.close();
  }
});
