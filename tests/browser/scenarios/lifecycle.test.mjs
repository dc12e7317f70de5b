// An item's whole life through the pages, each step by the person whose job it is: the city's
// supervision office registers it, the mayor approves it, the office dispatches it to 云溪县,
// the county signs and hands it down to two townships, the townships sign and ask for
// completion (with a site photo), the county returns one and accepts the rest, asks for its own
// completion, and the office accepts and closes the item. Then the same in English, and a
// township liaison working from a phone.

import assert from 'node:assert/strict';
import { TEXT, USERS, api, assertFitsWidth, scenario } from '../lib.mjs';
import {
  Desk,
  LABEL,
  LIST,
  UI,
  daysAhead,
  loadedWidth,
  onScreen,
  photograph,
  photographScreen,
  sitePhoto,
  uniqueTitle,
  until,
} from '../flow.mjs';

const BAISHI = 'baishi.liaison';
const YUNXI = '云溪县';
const LONGTAN = '龙潭镇';
const BAISHI_TOWN = '白石镇';

/** The name the leader select shows for `user` (looked up, not assumed). */
async function displayName(user) {
  const client = await api(user);
  try {
    const res = await client.get('/api/v1/me');
    assert.ok(res.ok(), `GET /api/v1/me as ${user}: HTTP ${res.status()}`);
    return (await res.json()).user.display_name;
  } finally {
    await client.dispose();
  }
}

const zhLifecycle = 'an item goes from registration to closing, step by step (zh-CN)';
scenario(zhLifecycle, async ({ page, context }) => {
  const desk = new Desk(page);
  const title = uniqueTitle('城区停车泊位扩容');
  const mayor = await displayName(USERS.mayor);

  // 市政府督查室 registers the item and sends it for approval.
  await desk.as(USERS.supervisor);
  await desk.register({
    title,
    description: '新增公共停车泊位，缓解老城区停车难。',
    deadline: daysAhead(60),
    leader: mayor,
    target: { name: '新增停车泊位', unit: '个', value: '2000' },
  });
  await desk.submitForApproval();

  // The mayor finds it on the workbench and approves it.
  await desk.as(USERS.mayor);
  await desk.workbench();
  await desk.list(LIST.toApprove).getByRole('link', { name: title }).waitFor();
  await photograph(page, 'workbench-leader');
  await desk.openFromWorkbench(LIST.toApprove, title);
  await desk.approve('同意，请督查室抓紧交办。');

  // The office dispatches it to 云溪县 as the lead unit.
  await desk.as(USERS.supervisor);
  await desk.openFromWorkbench(LIST.toDispatch, title);
  await desk.dispatch(YUNXI, [], {
    instructions: '请于截止日期前完成并上传现场照片。',
    onPicked: (p) => photograph(p, 'dispatch-picker'),
  });
  await desk.expectAssignment(YUNXI, 'lead', 'pending');

  // 云溪县 signs and hands it down: 龙潭镇 leads, 白石镇 helps.
  await desk.as(USERS.yunxiLiaison);
  await desk.workbench();
  await desk.list(LIST.toSign).getByRole('link', { name: title }).waitFor();
  await photograph(page, 'workbench-liaison');
  await desk.openFromWorkbench(LIST.toSign, title);
  await desk.sign(YUNXI);
  await desk.expectAssignment(YUNXI, 'lead', 'signed');
  await desk.decompose(YUNXI, LONGTAN, [BAISHI_TOWN]);
  await desk.expectAssignment(LONGTAN, 'lead', 'pending');
  await desk.expectAssignment(BAISHI_TOWN, 'co', 'pending');

  // 龙潭镇 signs and asks for completion with a site photo; the report shows its thumbnail.
  await desk.as(USERS.longtanLiaison);
  await desk.openFromWorkbench(LIST.toSign, title);
  await desk.sign(LONGTAN);
  await desk.report(LONGTAN, {
    completion: true,
    percent: 100,
    text: '已新增停车泊位 2000 个，附现场照片。',
    files: await sitePhoto(context),
  });
  await desk.expectAssignment(LONGTAN, 'lead', 'completion_requested');
  const report = page.locator('#reports .report').filter({ hasText: LONGTAN }).first();
  await report.getByText(LABEL.report.pending.zh, { exact: true }).waitFor();
  const thumb = report.locator('img');
  assert.equal(await thumb.getAttribute('alt'), 'site-photo.png');
  assert.ok((await loadedWidth(thumb)) > 0, 'the thumbnail of the photo loads');
  await photograph(page, 'item-chain');

  // 云溪县 returns it with a reason.
  await desk.as(USERS.yunxiLiaison);
  await desk.openFromWorkbench(LIST.reportsToReview, title);
  await desk.review(LONGTAN, 'return', '照片未体现新增泊位标线，请补充后重新申请。');
  await desk.expectAssignment(LONGTAN, 'lead', 'in_progress', { returned: 1 });
  await page
    .locator('#reports .report')
    .filter({ hasText: '照片未体现新增泊位标线' })
    .getByText(LABEL.report.returned.zh, { exact: true })
    .waitFor();

  // 龙潭镇 sees it returned and asks again; 云溪县 accepts.
  await desk.as(USERS.longtanLiaison);
  await desk.openFromWorkbench(LIST.returned, title);
  await desk.report(LONGTAN, {
    completion: true,
    percent: 100,
    text: '已补充泊位标线照片。',
    files: await sitePhoto(context, 'markings.png'),
  });
  await desk.as(USERS.yunxiLiaison);
  await desk.openFromWorkbench(LIST.reportsToReview, title);
  await desk.review(LONGTAN, 'accept', '符合办结要求。');
  await desk.expectAssignment(LONGTAN, 'lead', 'done', { returned: 1 });

  // 白石镇 signs and asks for completion; 云溪县 accepts.
  await desk.as(BAISHI);
  await desk.openFromWorkbench(LIST.toSign, title);
  await desk.sign(BAISHI_TOWN);
  await desk.report(BAISHI_TOWN, { completion: true, percent: 100, text: '已配合完成选址和施工协调。' });
  await desk.as(USERS.yunxiLiaison);
  await desk.openFromWorkbench(LIST.reportsToReview, title);
  await desk.review(BAISHI_TOWN, 'accept', '配合到位。');
  await desk.expectAssignment(BAISHI_TOWN, 'co', 'done');

  // 云溪县 asks for its own completion.
  await desk.report(YUNXI, { completion: true, percent: 100, text: '两镇均已办结，全县任务完成。' });
  await desk.expectAssignment(YUNXI, 'lead', 'completion_requested');

  // The office accepts the county's completion and closes the item.
  await desk.as(USERS.supervisor);
  await desk.workbench();
  await desk.list(LIST.reportsToReview).getByRole('link', { name: title }).waitFor();
  await photograph(page, 'workbench-supervisor');
  await desk.openFromWorkbench(LIST.reportsToReview, title);
  await desk.review(YUNXI, 'accept', '验收通过。');
  await desk.expectAssignment(YUNXI, 'lead', 'done');
  await desk.closeItem('事项已全面完成，予以销号。');
  for (const [unit, role] of [[YUNXI, 'lead'], [LONGTAN, 'lead'], [BAISHI_TOWN, 'co']]) {
    await desk.expectAssignment(unit, role, 'done');
  }
  // Nothing is left to do on a closed item.
  assert.equal(await page.locator('details.action').count(), 0);
});

const enFlow = 'the same steps work in English, switched with the EN link';
scenario(enFlow, async ({ page, context }) => {
  const desk = new Desk(page);
  const title = uniqueTitle('Street lights on the riverside road');
  const mayor = await displayName(USERS.mayor);

  // The browser asks for Chinese; the EN link switches the pages for the rest of the visit,
  // across logging out and in.
  await desk.as(USERS.supervisor);
  await page.getByRole('link', { name: 'EN', exact: true }).click();
  await page.locator('html[lang="en"]').waitFor({ state: 'attached' });
  desk.lang = 'en';
  await page.getByRole('button', { name: TEXT.logout.en }).waitFor();

  await desk.register({
    title,
    description: 'Replace the broken street lights along the riverside road.',
    deadline: daysAhead(45),
    leader: mayor,
  });
  await desk.submitForApproval();

  await desk.as(USERS.mayor);
  await desk.openFromWorkbench(LIST.toApprove, title);
  await desk.approve('Approved.');

  await desk.as(USERS.supervisor);
  await desk.openFromWorkbench(LIST.toDispatch, title);
  await desk.dispatch(YUNXI);
  await desk.expectAssignment(YUNXI, 'lead', 'pending');

  await desk.as(USERS.yunxiLiaison);
  await desk.openFromWorkbench(LIST.toSign, title);
  await desk.sign(YUNXI);
  await desk.report(YUNXI, {
    completion: false,
    percent: 40,
    text: 'Half of the lamps are replaced.',
    files: await sitePhoto(context, 'lamps.png'),
  });
  await desk.expectAssignment(YUNXI, 'lead', 'in_progress');
  const report = page.locator('#reports .report').filter({ hasText: 'Half of the lamps' });
  await report.getByText(LABEL.kind.progress.en, { exact: true }).waitFor();
  assert.ok((await loadedWidth(report.locator('img'))) > 0, 'the thumbnail loads');
  // No Chinese label of the page's own vocabulary is left (unit names are data).
  for (const zh of [UI.sign.zh, UI.reportText.zh, LABEL.role.lead.zh, TEXT.logout.zh]) {
    assert.equal(await page.getByText(zh, { exact: true }).count(), 0, `"${zh}" shows in English`);
  }
});

const phone = { device: 'phone' };
scenario('a township liaison signs and reports from a phone', phone, async ({ page, context }) => {
  const desk = new Desk(page);
  const title = uniqueTitle('龙潭镇集镇路灯维修');
  const mayor = await displayName(USERS.mayor);

  // The office and the mayor work on phones too.
  await desk.as(USERS.supervisor);
  await page.goto('/workbench');
  await assertFitsWidth(page);
  await photograph(page, 'workbench-supervisor');
  // The menu is a drawer on a phone: off the screen at first, opened by the menu button.
  const menu = page.getByRole('navigation', { name: UI.menu.zh });
  const newItemLink = menu.getByRole('link', { name: UI.newItem.zh });
  assert.equal(await onScreen(newItemLink), false, 'the drawer starts closed');
  await page.getByRole('button', { name: UI.menu.zh }).click();
  await until(() => onScreen(newItemLink), 'the menu button opens the drawer');
  await photographScreen(page, 'menu-drawer-phone');
  const id = await desk.register({
    title,
    description: '维修集镇主街损坏路灯。',
    deadline: daysAhead(30),
    leader: mayor,
  });
  await desk.submitForApproval();

  await desk.as(USERS.mayor);
  await desk.workbench();
  await photograph(page, 'workbench-leader');
  await desk.openFromWorkbench(LIST.toApprove, title);
  await desk.approve('同意。');

  await desk.as(USERS.supervisor);
  await page.goto(`/items/${id}`);
  await desk.dispatch(YUNXI, [], {
    onPicked: async (p) => {
      await assertFitsWidth(p);
      await photograph(p, 'dispatch-picker');
    },
  });

  await desk.as(USERS.yunxiLiaison);
  await page.goto(`/items/${id}`);
  await desk.sign(YUNXI);
  await desk.decompose(YUNXI, LONGTAN);

  // The township liaison, on the phone: workbench, sign, report with a photo.
  await desk.as(USERS.longtanLiaison);
  await page.goto('/workbench');
  await desk.list(LIST.toSign).getByRole('link', { name: title }).waitFor();
  await assertFitsWidth(page);
  await photograph(page, 'workbench-liaison');
  await desk.openFromWorkbench(LIST.toSign, title);
  await desk.sign(LONGTAN);
  await desk.expectAssignment(LONGTAN, 'lead', 'signed');
  await desk.report(LONGTAN, {
    completion: false,
    percent: 50,
    text: '已更换路灯 12 盏。',
    files: await sitePhoto(context),
  });
  await desk.expectAssignment(LONGTAN, 'lead', 'in_progress');
  const thumb = page.locator('#reports .report').filter({ hasText: '已更换路灯' }).locator('img');
  assert.ok((await loadedWidth(thumb)) > 0, 'the thumbnail loads on the phone');
  await assertFitsWidth(page);
  await photograph(page, 'item-chain');
});
