// Targets travel down the chain (指标分解): the county liaison decomposes an item to two
// townships, splitting its target between them and giving one a target of its own; a bad value
// comes back beside its field; a refused form reloads; each township sees its share. On a
// desktop and on a 390 px phone.

import assert from 'node:assert/strict';
import { USERS, allItems, api, assertFitsWidth, scenario } from '../lib.mjs';
import { Desk, LIST, UI, daysAhead, esc, photograph, uniqueTitle } from '../flow.mjs';

const YUNXI = '云溪县';
const LONGTAN = '龙潭镇';
const BAISHI = '白石镇';
const BAISHI_LIAISON = 'baishi.liaison';
const TARGET = '新增停车泊位';

/** Visible texts of the shares on the dispatch and decompose forms. */
const SHARES = {
  split: '按所选单位分配指标',
  ownName: '本单位指标 · 指标名称',
  unitTargets: '本单位指标：',
  pickLead: '请选择一个牵头单位',
};

/** The share of `unit` on the form (its fieldset, named by its legend). */
function share(page, unit) {
  return page.getByRole('group', { name: new RegExp(`^\\s*${esc(unit)}\\s`) });
}

/** `unit`'s value of the parent's target. */
function value(page, unit) {
  return share(page, unit).getByLabel(new RegExp(`^${esc(TARGET)}`));
}

/** The assignments of the item titled `title`, as the supervisor's API shows them. */
async function assignmentsOf(title) {
  const client = await api(USERS.supervisor);
  try {
    const [item] = (await allItems(client, { q: title })).filter((i) => i.title === title);
    assert.ok(item, `${title} is registered`);
    const res = await client.get(`/api/v1/items/${item.id}`);
    assert.ok(res.ok(), `GET /api/v1/items/${item.id}: HTTP ${res.status()}`);
    return (await res.json()).assignments;
  } finally {
    await client.dispose();
  }
}

for (const device of ['desktop', 'phone']) {
  const name = `a county splits a target between two townships, who see their shares (${device})`;
  scenario(name, { device }, async ({ page }) => {
    const desk = new Desk(page);
    const title = uniqueTitle('停车泊位分解');

    // The office registers the item with a target and dispatches it to 云溪县, who gets all
    // of it as the only unit.
    await desk.as(USERS.supervisor);
    await desk.register({
      title,
      description: '各乡镇按分解指标新增停车泊位。',
      deadline: daysAhead(60),
      target: { name: TARGET, unit: '个', value: '2000' },
    });
    await desk.submitForApproval();
    await desk.as(USERS.mayor);
    await desk.openFromWorkbench(LIST.toApprove, title);
    await desk.approve('同意。');
    await desk.as(USERS.supervisor);
    await desk.openFromWorkbench(LIST.toDispatch, title);
    await desk.dispatch(YUNXI);

    // The county signs and opens the decompose form.
    await desk.as(USERS.yunxiLiaison);
    await desk.openFromWorkbench(LIST.toSign, title);
    await desk.sign(YUNXI);
    await page.getByText(`${SHARES.unitTargets}${TARGET} 2000 个`).waitFor();
    await desk.work(YUNXI).getByRole('link', { name: UI.decompose.zh }).click();
    await page.waitForURL((u) => /^\/assignments\/\d+\/decompose$/.test(u.pathname));
    const form = page.url();

    // Sent with no unit picked, the form comes back at an address that reloads.
    const submit = page.getByRole('button', { name: UI.decompose.zh, exact: true });
    const refused = await desk.post(submit);
    assert.equal(refused.status(), 422);
    await page.getByText(SHARES.pickLead).first().waitFor();
    const shown = new URL(page.url());
    assert.match(shown.search, /^\?item=\d+$/, `the address keeps its item: ${page.url()}`);
    const reload = await page.reload();
    assert.equal(reload.status(), 200, `reloading ${page.url()}`);
    await page.getByRole('heading', { level: 1, name: UI.decompose.zh }).waitFor();
    assert.equal(page.url(), form, 'the same form as before');

    // Two townships picked: each gets half, without a "split" round trip.
    await desk.pickUnits(LONGTAN, [BAISHI]);
    assert.equal(await value(page, LONGTAN).inputValue(), '1000');
    assert.equal(await value(page, BAISHI).inputValue(), '1000');
    assert.equal(
      await page.getByRole('button', { name: SHARES.split }).count(),
      0,
      'the script splits as units are picked',
    );
    // 龙潭镇 takes 1200; 白石镇, not typed, follows with what is left.
    await value(page, LONGTAN).fill('1200');
    assert.equal(await value(page, BAISHI).inputValue(), '800');
    // 白石镇 also gets a target of its own, first with a negative value.
    const baishi = share(page, BAISHI);
    await baishi.getByLabel(SHARES.ownName).fill('垃圾分类示范村');
    await baishi.getByLabel(UI.targetUnit.zh, { exact: true }).fill('个');
    await baishi.getByLabel(UI.targetValue.zh, { exact: true }).fill('-2');
    if (device === 'phone') await assertFitsWidth(page);
    await photograph(page, 'decompose-shares');
    const bad = await desk.post(submit);
    assert.equal(bad.status(), 422);
    const own = share(page, BAISHI)
      .locator('.field')
      .filter({ has: page.getByLabel(UI.targetValue.zh, { exact: true }) })
      .first();
    assert.equal((await own.locator('.err').textContent()).trim(), UI.notANumber.zh);
    // Everything typed is still there, the shares too.
    assert.equal(await value(page, LONGTAN).inputValue(), '1200');
    assert.equal(await value(page, BAISHI).inputValue(), '800');
    // The own target is kept, with a blank row after it for another.
    const names = share(page, BAISHI).getByLabel(SHARES.ownName);
    assert.equal(await names.first().inputValue(), '垃圾分类示范村');
    assert.equal(await names.nth(1).inputValue(), '');
    if (device === 'phone') await assertFitsWidth(page);

    await share(page, BAISHI).getByLabel(UI.targetValue.zh, { exact: true }).first().fill('2');
    await desk.act(submit, 'decomposed');

    // The chain holds the shares as typed.
    const byUnit = Object.fromEntries(
      (await assignmentsOf(title)).map((a) => [a.unit_name, a.targets]),
    );
    assert.deepEqual(byUnit[LONGTAN], [{ name: TARGET, unit: '个', value: 1200 }]);
    assert.deepEqual(byUnit[BAISHI], [
      { name: TARGET, unit: '个', value: 800 },
      { name: '垃圾分类示范村', unit: '个', value: 2 },
    ]);

    // Each township sees its own share on its work.
    await desk.as(USERS.longtanLiaison);
    await desk.openFromWorkbench(LIST.toSign, title);
    await desk.work(LONGTAN).getByText(`${SHARES.unitTargets}${TARGET} 1200 个`).waitFor();
    await desk.as(BAISHI_LIAISON);
    await desk.openFromWorkbench(LIST.toSign, title);
    await desk
      .work(BAISHI)
      .getByText(`${SHARES.unitTargets}${TARGET} 800 个；垃圾分类示范村 2 个`)
      .waitFor();
    if (device === 'phone') await assertFitsWidth(page);
  });
}
