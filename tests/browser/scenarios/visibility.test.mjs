// Organisation scope in the browser: a unit sees its own subtree, and another county's item is
// indistinguishable from a missing one (404).

import assert from 'node:assert/strict';
import { TEXT, USERS, allItems, api, login, scenario } from '../lib.mjs';

/** Items `user` may see, by id. */
async function visibleTo(user) {
  const client = await api(user);
  try {
    return new Map((await allItems(client)).map((i) => [i.id, i]));
  } finally {
    await client.dispose();
  }
}

scenario("a county liaison gets 404 for an item only another county works on", async ({ page }) => {
  const songling = await visibleTo(USERS.songlingLiaison);
  const yunxi = await visibleTo(USERS.yunxiLiaison);
  const foreign = [...songling.values()].find((i) => !yunxi.has(i.id));
  assert.ok(foreign, "the demo city has an item of 松岭县 that 云溪县 does not work on");
  assert.ok(yunxi.size > 0, '云溪县 has items of its own');

  await login(page, USERS.yunxiLiaison);
  const res = await page.goto(`/items/${foreign.id}`);
  assert.equal(res.status(), 404);
  await page.getByText(TEXT.notFound.zh).first().waitFor();
  assert.equal(await page.getByText(foreign.title).count(), 0, 'nothing of the item shows');

  // Its own county's items open, so the 404 above is the scope, not a broken page.
  const own = yunxi.values().next().value;
  const ok = await page.goto(`/items/${own.id}`);
  assert.equal(ok.status(), 200);
  await page.getByRole('heading', { level: 1, name: own.title }).waitFor();
});
