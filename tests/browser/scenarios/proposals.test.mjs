// NPC suggestions in the demo city as the lead unit and the office meet them: 市生态环境局's
// liaison replies to 建议第7号 (its reply date already extended) with an A grade, the office
// enters the deputy's satisfaction and the suggestion closes; the session's statistics page
// shows the same counts as the JSON API.

import assert from 'node:assert/strict';
import { USERS, api, assertFitsWidth, login, scenario, shot } from '../lib.mjs';

const SESSION = '市十七届人大六次会议';
const TITLE = '关于治理城区噪声扰民的建议';

/** The NPC session's id and the id of its suggestion titled `title`, through the JSON API. */
async function find(title) {
  const client = await api(USERS.supervisor);
  try {
    const res = await client.get('/api/v1/proposals/sessions');
    assert.ok(res.ok(), `sessions: HTTP ${res.status()}`);
    const session = (await res.json()).sessions.find((s) => s.name === SESSION);
    assert.ok(session, `the demo has ${SESSION}`);
    const list = await (await client.get(`/api/v1/proposals/sessions/${session.id}`)).json();
    const line = list.lines.find((l) => l.title === title);
    assert.ok(line, `the demo has ${title}`);
    return { session: session.id, id: line.id, line };
  } finally {
    await client.dispose();
  }
}

scenario('the lead unit replies with a grade and the office enters satisfaction', async ({ page }) => {
  const { id, line } = await find(TITLE);
  assert.equal(line.state, 'handling', 'the extended suggestion waits for its reply');
  // The lead unit's liaison: the clock shows the extension; the reply goes out graded A.
  await login(page, 'sthjj.liaison');
  await page.getByRole('link', { name: '建议提案' }).first().click();
  await page.getByRole('link', { name: new RegExp(SESSION) }).first().click();
  await page.getByRole('link', { name: TITLE }).click();
  await page.getByRole('heading', { level: 1, name: /建议第7号/ }).waitFor();
  const clock = page.locator('#clock');
  await clock.getByText('延期答复').waitFor();
  await clock.getByText('已批准').waitFor();
  // An empty reply comes back with the message and nothing sent.
  await page.getByRole('button', { name: '答复代表委员' }).click();
  await page.getByText('此项必填').first().waitFor();
  await page.getByLabel('答复类别').selectOption('a');
  await page
    .getByLabel('答复内容')
    .fill('经认真研究，已在主城区噪声敏感点位加装监测设备并开展夜间专项执法，问题已基本解决。');
  await page.getByRole('button', { name: '答复代表委员' }).click();
  await page.getByText('已答复').first().waitFor();
  const reply = page.locator('article.reply').last();
  await reply.getByText('A类（已解决或基本解决）').waitFor();
  await reply.getByRole('link', { name: '答复函（Word）' }).waitFor();
  assert.equal(await page.locator('#reply').count(), 0, 'the reply form is gone once replied');

  // The office enters the deputy's satisfaction; the suggestion is closed.
  await page.context().clearCookies();
  await login(page, USERS.supervisor);
  await page.goto(`/proposals/${id}`);
  const mine = page.locator('article.reply').last();
  await mine.locator('summary', { hasText: '录入满意度' }).click();
  await mine.getByLabel('满意度').selectOption('satisfied');
  await mine.getByRole('button', { name: '录入满意度' }).click();
  await page.getByText('满意度已录入').waitFor();
  await page.locator('article.reply').last().locator('strong.satisfaction', { hasText: '满意' }).waitFor();
  assert.equal((await page.locator('#state').innerText()).trim(), '已办结');
  await shot(page, 'proposal');
});

scenario('the statistics page shows the counts the API gives', async ({ page }) => {
  const { session } = await find(TITLE);
  const client = await api(USERS.supervisor);
  let stats;
  try {
    const res = await client.get(`/api/v1/proposals/sessions/${session}/statistics`);
    assert.ok(res.ok(), `statistics: HTTP ${res.status()}`);
    stats = await res.json();
  } finally {
    await client.dispose();
  }
  await login(page, USERS.supervisor);
  await page.goto(`/proposals/sessions/${session}`);
  await page.getByRole('link', { name: '办理统计' }).click();
  await page.getByRole('heading', { level: 1, name: /办理统计/ }).waitFor();
  const cell = (unit, k) => page.locator(`tr[data-unit="${unit}"] td[data-k="${k}"]`).innerText();
  const lines = [['all', stats.whole], ...stats.units.map((u) => [String(u.unit_id), u])];
  assert.ok(lines.length > 3, 'several units handle the session');
  for (const [unit, l] of lines) {
    for (const k of ['total', 'replied', 'replies', 'on_time', 'satisfied', 'basic', 'dissatisfied', 'rehandled']) {
      assert.equal(Number(await cell(unit, k)), l[k], `${k} of ${l.name}`);
    }
    for (const g of ['a', 'b', 'c', 'd']) {
      assert.equal(Number(await cell(unit, g)), l.grades[g], `${g} of ${l.name}`);
    }
  }
  // The demo's story: every grade given, someone dissatisfied and handled again.
  const w = stats.whole;
  assert.ok(w.grades.a && w.grades.b && w.grades.c && w.grades.d, 'each grade given');
  assert.ok(w.dissatisfied >= 1 && w.rehandled >= 1, 'one dissatisfied and handled again');
  await shot(page, 'proposal-stats');
});

scenario('a suggestion reads on a phone', { device: 'phone' }, async ({ page }) => {
  const { id } = await find('关于推进义务教育集团化办学的建议');
  await login(page, USERS.supervisor);
  await page.goto(`/proposals/${id}`);
  await page.locator('article.reply').first().waitFor();
  await page.getByText('承诺事项').first().waitFor();
  await assertFitsWidth(page);
  await shot(page, 'proposal');
});
