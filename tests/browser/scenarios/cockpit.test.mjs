// The leader's dashboard (驾驶舱) as the mayor and a county head meet it: every chart is drawn
// (a canvas of the vendored ECharts, no console errors) with its data table, whose numbers are
// the JSON answer's; a click on a unit's red bar opens the register on that unit and light, and
// the register lists exactly that many items; the wall screen fetches its data again by itself
// without reloading. Pictures at desktop width, on a phone and of the wall screen.

import assert from 'node:assert/strict';
import { USERS, allItems, api, assertFitsWidth, login, scenario, shot } from '../lib.mjs';

function watchErrors(page) {
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  return errors;
}

const CHARTS = ['units', 'levels', 'trend', 'red', 'stall', 'sources', 'categories', 'proposals'];

/** Opens the dashboard and waits for its first answer to be drawn; returns that answer. */
async function open(page, path = '/cockpit') {
  const answer = page.waitForResponse((r) => r.url().includes('/api/v1/cockpit') && r.ok());
  await page.goto(path);
  const data = await (await answer).json();
  await page.locator('[data-cockpit][data-loaded]').waitFor();
  return data;
}

/** The rows of a chart's data table, as the cells' texts. */
async function tableOf(page, chart) {
  return page.locator(`[data-chart="${chart}"] [data-table] tbody tr`).evaluateAll(
    (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent.trim())),
  );
}

for (const device of ['desktop', 'phone']) {
  scenario(`the mayor's dashboard draws every chart at ${device} width`, { device }, async ({ page }) => {
    const errors = watchErrors(page);
    await login(page, USERS.mayor);
    if (device === 'phone') await page.getByRole('button', { name: '菜单' }).click();
    const answer = page.waitForResponse((r) => r.url().includes('/api/v1/cockpit') && r.ok());
    await page.getByRole('link', { name: '领导驾驶舱' }).click();
    const d = await (await answer).json();
    await page.locator('[data-cockpit][data-loaded]').waitFor();
    await page.getByRole('heading', { level: 1, name: '领导驾驶舱' }).waitFor();
    for (const c of CHARTS) {
      await page.locator(`[data-chart="${c}"] [data-canvas] canvas`).first().waitFor();
      await page.locator(`[data-chart="${c}"] figcaption h2`).waitFor();
    }
    // The demo city has red work, items due in past months, and both kinds of sessions.
    assert.ok(d.totals.red > 0 && d.units.length > 3, 'units with lights');
    assert.ok(d.red_items.length > 0, 'red items');
    assert.ok(d.trend.some((m) => m.due > 0), 'items fell due');
    assert.equal(d.proposals.length, 2, 'a session of suggestions and one of proposals');
    // The tables carry the answer's numbers.
    const units = await tableOf(page, 'units');
    assert.equal(units.length, d.units.length);
    d.units.forEach((u, k) => {
      assert.equal(units[k][0], u.name);
      assert.deepEqual(units[k].slice(1, 5).map(Number), [u.lights.green, u.lights.blue, u.lights.yellow, u.lights.red]);
    });
    const trend = await tableOf(page, 'trend');
    assert.deepEqual(trend.map((r) => [r[0], Number(r[1]), Number(r[2])]), d.trend.map((m) => [m.month, m.due, m.on_time]));
    const kpiRed = await page.locator('[data-kpi="red"]').textContent();
    assert.equal(Number(kpiRed), d.totals.red);
    const red = await tableOf(page, 'red');
    assert.deepEqual(red.map((r) => Number(r[3])), d.red_items.map((i) => i.days_over));
    await assertFitsWidth(page);
    await shot(page, 'cockpit');
    assert.deepEqual(errors, [], 'no console errors');
  });
}

scenario('a unit\'s red bar opens the register on that unit and light', async ({ page }) => {
  const errors = watchErrors(page);
  await login(page, USERS.mayor);
  const d = await open(page);
  const k = d.units.findIndex((u) => u.lights.red > 0);
  assert.ok(k >= 0, 'a unit with red work');
  const unit = d.units[k];
  // Click the red segment of that unit's bar: ECharts draws the units bottom-up, so find the
  // pixel of the segment through the chart's own coordinate conversion.
  const box = await page.locator('[data-chart="units"] [data-canvas]').boundingBox();
  const point = await page.evaluate(([k, n]) => {
    const el = document.querySelector('[data-chart="units"] [data-canvas]');
    const chart = window.echarts.getInstanceByDom(el);
    const opt = chart.getOption();
    const idx = n - 1 - k;
    const before = ['green', 'blue', 'yellow'].reduce((s, id) => s + opt.series.find((x) => x.id === id).data[idx], 0);
    const red = opt.series.find((x) => x.id === 'red').data[idx];
    return chart.convertToPixel({ seriesId: 'red' }, [before + red / 2, idx]);
  }, [k, d.units.length]);
  await page.mouse.click(box.x + point[0], box.y + point[1]);
  await page.waitForURL(/\/items\?/);
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('holder_id'), String(unit.unit_id));
  assert.equal(url.searchParams.get('holder_light'), 'red');
  await page.locator('#f-holder').waitFor();
  assert.match(await page.locator('#f-holder').textContent(), new RegExp(`${unit.name}.*红灯`));
  // The register lists as many items as the bar counts.
  const rows = await page.locator('#results tbody tr').count();
  const client = await api(USERS.mayor);
  try {
    const all = await allItems(client, { holder_id: unit.unit_id, holder_light: 'red' });
    assert.equal(all.length, unit.lights.red);
    assert.equal(rows, Math.min(unit.lights.red, 50));
  } finally {
    await client.dispose();
  }
  assert.deepEqual(errors, [], 'no console errors');
});

scenario('the table\'s links and a level drill down', async ({ page }) => {
  await login(page, USERS.yunxiHead);
  const d = await open(page);
  // A county head sees the county: its units, not the city's.
  assert.match(d.root_name, /云溪县/);
  const names = (await tableOf(page, 'units')).map((r) => r[0]);
  assert.ok(!names.some((n) => n.startsWith('松岭县') || n.startsWith('市')), names.join());
  // A month's figure opens the items due that month.
  const m = d.trend.find((x) => x.due > 0);
  await page.locator('[data-chart="trend"] details summary').click();
  await page.locator('[data-chart="trend"] [data-table] a', { hasText: new RegExp(`^${m.due}$`) }).first().click();
  await page.waitForURL(/deadline_from=/);
  assert.equal(new URL(page.url()).searchParams.get('deadline_from'), m.from);
});

scenario('the wall screen refreshes its data by itself', async ({ page }) => {
  const errors = watchErrors(page);
  await login(page, USERS.mayor);
  const fetches = [];
  page.on('request', (r) => { if (r.url().includes('/api/v1/cockpit')) fetches.push(r.url()); });
  let navigations = 0;
  page.on('framenavigated', (f) => { if (f === page.mainFrame()) navigations += 1; });
  await open(page, '/cockpit?wall=1&refresh=2');
  assert.equal(await page.locator('aside.side').count(), 0, 'no navigation on the wall');
  await page.locator('main.wall [data-chart="units"] canvas').first().waitFor();
  const before = navigations;
  // The second answer, fetched by the page's own timer.
  await page.waitForResponse((r) => r.url().includes('/api/v1/cockpit') && r.ok(), { timeout: 15_000 });
  await page.waitForFunction(() => Number(document.querySelector('[data-cockpit]').getAttribute('data-loaded')) >= 2);
  assert.ok(fetches.length >= 2, `fetched ${fetches.length} times`);
  assert.equal(navigations, before, 'no reload');
  await assertFitsWidth(page);
  await shot(page, 'cockpit-wall');
  assert.deepEqual(errors, [], 'no console errors');
});

scenario('a liaison has no dashboard', async ({ page }) => {
  await login(page, USERS.yunxiLiaison);
  const res = await page.goto('/cockpit');
  assert.equal(res.status(), 403);
  assert.equal(await page.getByRole('link', { name: '领导驾驶舱' }).count(), 0);
});
