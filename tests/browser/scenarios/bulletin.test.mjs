// Bulletins (督查通报) as the office and the mayor meet them: last month's published bulletin
// with its number and the change since the month before; this month's draft written by the
// office, submitted, approved (签发) by the mayor, published with the next number, its charts on
// the page, its Word document downloaded and its PDF answering as one.

import assert from 'node:assert/strict';
import { USERS, login, scenario, shot } from '../lib.mjs';

scenario('the office drafts, the mayor approves, the office publishes and downloads the .docx', async ({ page, context }) => {
  await login(page, USERS.supervisor);
  await page.getByRole('link', { name: '督查通报' }).first().click();
  await page.getByRole('heading', { level: 1, name: '督查通报' }).waitFor();
  // Last month's is published with its number; this month's is a draft.
  const published = page.locator('table.bulletins tr', { hasText: '已印发' });
  assert.match(await published.first().innerText(), /督查通报〔\d{4}〕\d+号/);
  await page.locator('table.bulletins tr', { hasText: '草稿' }).first().getByRole('link').click();
  await page.locator('#bulletin-preview').waitFor();
  // The generated text says what changed, not boilerplate.
  const text = await page.locator('#bulletin-preview').innerText();
  assert.match(text, /按时办结率[\d.]+%，比上期(提高|下降)[\d.]+个百分点|与上期持平/);
  assert.match(text, /红黑榜/);
  // The office writes its paragraphs and submits.
  await page.locator('#edit-bulletin summary').click();
  await page.getByLabel('典型做法（督查室撰写）').fill('白河县推行“一事一档”，到期事项全部按期办结。');
  await page.getByLabel('存在问题（督查室撰写）').fill('个别部门签收后长期未报送，请限期说明情况。');
  await page.getByRole('button', { name: '保存草稿' }).click();
  await page.getByText('通报草稿已保存').waitFor();
  await page.locator('#bulletin-preview', { hasText: '白河县推行“一事一档”' }).waitFor();
  await shot(page, 'bulletin-draft');
  await page.getByRole('button', { name: '送领导签发' }).click();
  await page.getByText('已送领导签发').waitFor();
  const url = page.url().split('?')[0];

  // The mayor approves.
  await context.clearCookies();
  await login(page, USERS.mayor);
  await page.goto(url);
  await page.getByRole('button', { name: '签发' }).click();
  await page.getByText('已签发').first().waitFor();

  // The office publishes: the next number; the Word file downloads.
  await context.clearCookies();
  await login(page, USERS.supervisor);
  await page.goto(url);
  await page.getByRole('button', { name: '印发' }).click();
  await page.getByText('通报已印发').waitFor();
  assert.match(await page.locator('.doc-number').innerText(), /督查通报〔\d{4}〕\d+号/);
  await shot(page, 'bulletin-published');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('#download-docx').click(),
  ]);
  assert.match(download.suggestedFilename(), /\.docx$/);
  // The charts are drawn on the page; the PDF (LibreOffice on the server) answers as a PDF.
  assert.equal(await page.locator('#bulletin-preview figure.doc-chart img').count(), 2);
  // … and fit the page: no chart runs past the preview's edge.
  const preview = await page.locator('#bulletin-preview').boundingBox();
  for (const img of await page.locator('#bulletin-preview figure.doc-chart img').all()) {
    const b = await img.boundingBox();
    assert.ok(b.x + b.width <= preview.x + preview.width + 1, `chart wider than the page: ${JSON.stringify(b)}`);
  }
  const pdfHref = await page.locator('#download-pdf').getAttribute('href');
  // LibreOffice's conversion takes seconds on a busy machine.
  const pdf = await page.request.get(pdfHref, { timeout: 120000 });
  assert.equal(pdf.status(), 200);
  assert.equal(pdf.headers()['content-type'], 'application/pdf');
  assert.equal((await pdf.body()).subarray(0, 4).toString(), '%PDF');
});
