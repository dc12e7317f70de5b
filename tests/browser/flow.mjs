// The steps of an item's life as people take them in the browser: register, submit, approve,
// dispatch, sign, decompose, report (with a photo), review, close. Each step clicks and types
// through the pages only; the JSON API is never used to change anything. Steps check the toast
// the page shows afterwards, so a step that silently fails stops the scenario where it failed.
//
// `Desk` is one browser page that different people use in turn (logging out and in), in either
// language: `new Desk(page, 'en')` expects and clicks the English texts.

import assert from 'node:assert/strict';
import path from 'node:path';
import { ARTEFACTS, TEXT, login, shot } from './lib.mjs';

/** Visible texts the flows use, zh-CN and English (crates/ducha-domain/src/i18n*.rs). */
export const UI = {
  workbench: { zh: '工作台', en: 'Workbench' },
  newItem: { zh: '登记事项', en: 'Register item' },
  title: { zh: '标题', en: 'Title' },
  description: { zh: '事项内容', en: 'What must be done' },
  deadlineDate: { zh: '截止日期', en: 'Deadline date' },
  cadence: { zh: '报送频次', en: 'Report cadence' },
  cadenceNone: { zh: '不定期（节点和办结时报送）', en: 'None (at milestones and on completion)' },
  targetName: { zh: '指标名称', en: 'Target' },
  targetUnit: { zh: '计量单位', en: 'Unit of measure' },
  targetValue: { zh: '目标值', en: 'Value' },
  leader: { zh: '责任领导', en: 'Responsible leader' },
  saveDraft: { zh: '保存草稿', en: 'Save draft' },
  submitForApproval: { zh: '提交审批', en: 'Submit for approval' },
  approve: { zh: '批准', en: 'Approve' },
  comment: { zh: '意见', en: 'Comment' },
  dispatch: { zh: '交办', en: 'Dispatch' },
  decompose: { zh: '分解交办', en: 'Decompose' },
  unitPicker: { zh: '牵头单位 / 配合单位', en: 'Lead unit / Co-units' },
  instructions: { zh: '工作要求', en: 'Instructions' },
  sign: { zh: '签收', en: 'Sign' },
  responsible: { zh: '责任人', en: 'Responsible person' },
  reportAction: { zh: '报送进展 / 申请办结', en: 'Report progress / Request completion' },
  reportKind: { zh: '报送类型', en: 'Type' },
  percent: { zh: '完成进度（%）', en: 'Progress (%)' },
  reportText: { zh: '进展情况', en: 'What was done' },
  evidence: { zh: '佐证材料', en: 'Evidence' },
  submit: { zh: '提交', en: 'Submit' },
  review: { zh: '审核', en: 'Review' },
  accept: { zh: '验收通过', en: 'Accept' },
  return: { zh: '退回重办', en: 'Return' },
  closeItem: { zh: '销号', en: 'Close the item' },
  state: { zh: '状态', en: 'State' },
  menu: { zh: '菜单', en: 'Menu' },
  forbidden: { zh: '您没有执行此操作的权限', en: 'You may not do this' },
  required: { zh: '此项必填', en: 'This field is required' },
  notANumber: { zh: '应为不小于0的数字', en: 'Must be a number ≥ 0' },
  percentRange: { zh: '进度应在0到100之间', en: 'Progress must be between 0 and 100' },
  formErrors: { zh: '请修改下列标红的内容后再提交。', en: 'Please correct the fields marked in red.' },
};

/** Workbench lists (their headings). */
export const LIST = {
  toApprove: { zh: '待我审批', en: 'Awaiting my approval' },
  toDispatch: { zh: '待交办', en: 'Approved, to dispatch' },
  toSign: { zh: '待签收', en: 'To sign' },
  returned: { zh: '被退回重办', en: 'Returned to me' },
  reportsToReview: { zh: '待审核的办结申请', en: 'Completions to review' },
};

/** Toasts after a successful action, by the `done` key of the redirect. */
export const TOAST = {
  created: { zh: '事项已登记为草稿。', en: 'The item is registered as a draft.' },
  submitted: { zh: '已提交领导审批。', en: 'Sent for approval.' },
  approved: { zh: '已批准，可以交办。', en: 'Approved; ready to dispatch.' },
  dispatched: { zh: '已交办，计时开始。', en: 'Dispatched; the clock has started.' },
  signed: { zh: '已签收。', en: 'Signed.' },
  decomposed: { zh: '已分解交办到下级单位。', en: 'Handed down to the units below.' },
  reported: { zh: '进展已报送。', en: 'Progress reported.' },
  completion_requested: { zh: '办结申请已提交审核。', en: 'Completion sent for review.' },
  accepted: { zh: '已验收通过。', en: 'Accepted.' },
  returned: { zh: '已退回重办。', en: 'Returned for more work.' },
  closed: { zh: '事项已销号。', en: 'The item is closed.' },
};

/** State labels: items, assignments, reports, and assignment roles. */
export const LABEL = {
  item: {
    draft: { zh: '草稿', en: 'Draft' },
    pending_approval: { zh: '待审批', en: 'Awaiting approval' },
    approved: { zh: '已审批', en: 'Approved' },
    dispatched: { zh: '办理中', en: 'In progress' },
    closed: { zh: '已办结', en: 'Closed' },
  },
  assignment: {
    pending: { zh: '待签收', en: 'To sign' },
    signed: { zh: '已签收', en: 'Signed' },
    in_progress: { zh: '办理中', en: 'In progress' },
    completion_requested: { zh: '申请办结', en: 'Completion requested' },
    done: { zh: '已办结', en: 'Done' },
  },
  report: {
    pending: { zh: '待审核', en: 'Pending review' },
    accepted: { zh: '已通过', en: 'Accepted' },
    returned: { zh: '已退回', en: 'Returned' },
  },
  kind: {
    progress: { zh: '进展报送', en: 'Progress' },
    completion: { zh: '办结申请', en: 'Completion' },
  },
  role: {
    lead: { zh: '牵头', en: 'Lead' },
    co: { zh: '配合', en: 'Co-unit' },
  },
};

/** `s` as a literal inside a regular expression. */
export function esc(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Exactly `s`, give or take surrounding white space. */
export function exactly(s) {
  return new RegExp(`^\\s*${esc(s)}\\s*$`);
}

/** A title no other scenario or run uses. */
export function uniqueTitle(what) {
  return `${what} ${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
}

/** The date `days` calendar days from today in China, as YYYY-MM-DD. */
export function daysAhead(days) {
  const china = new Date(Date.now() + 8 * 3600_000 + days * 86_400_000);
  return china.toISOString().slice(0, 10);
}

/**
 * A small real PNG: a "site photo" rendered by the browser at test time, as a file for
 * `setInputFiles`.
 */
export async function sitePhoto(context, name = 'site-photo.png') {
  const p = await context.newPage();
  try {
    await p.setContent(
      '<meta name="viewport" content="width=device-width">' +
        '<body style="margin:0"><div style="width:240px;height:160px;display:flex;' +
        'align-items:center;justify-content:center;font:24px sans-serif;color:#fff;' +
        'background:linear-gradient(135deg,#2f855a,#2b6cb0)">现场照片 ✓</div></body>',
    );
    const buffer = await p.screenshot({ clip: { x: 0, y: 0, width: 240, height: 160 } });
    assert.equal(buffer.subarray(1, 4).toString(), 'PNG');
    return { name, mimeType: 'image/png', buffer };
  } finally {
    await p.close();
  }
}

/**
 * `shot` from the top of the page: a full-page screenshot taken while scrolled down paints the
 * sticky header in the middle of the picture.
 */
export async function photograph(page, name) {
  await page.evaluate(() => window.scrollTo(0, 0));
  return shot(page, name);
}

/** A screenshot of the viewport only (for what a full page would dwarf, like an open menu). */
export async function photographScreen(page, name) {
  await page.evaluate(() => document.fonts.ready);
  const file = path.join(ARTEFACTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Waits until `img` has loaded and returns its natural width (0 if it is broken). */
export async function loadedWidth(img) {
  await img.scrollIntoViewIfNeeded();
  return img.evaluate(
    (i) =>
      new Promise((resolve) => {
        if (i.complete) return resolve(i.naturalWidth);
        i.addEventListener('load', () => resolve(i.naturalWidth), { once: true });
        i.addEventListener('error', () => resolve(0), { once: true });
      }),
  );
}

/**
 * Whether `locator` lies within the viewport horizontally (a closed drawer is moved off the
 * screen, where it still counts as visible to Playwright).
 */
export async function onScreen(locator) {
  return locator.evaluate((e) => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.left >= 0 && r.right <= window.innerWidth;
  });
}

/** Polls `check` until it holds, for at most `ms` milliseconds. */
export async function until(check, what, ms = 5000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** One browser page, used by one person after another, in one language. */
export class Desk {
  constructor(page, lang = 'zh') {
    this.page = page;
    this.lang = lang;
    this.user = null;
  }

  /** The text of `entry` ({ zh, en }) in the desk's language. */
  t(entry) {
    return entry[this.lang];
  }

  /** Logs out whoever is logged in and logs `user` in. */
  async as(user) {
    const { page } = this;
    if (this.user === user) return page;
    if (this.user) {
      const logout = page.getByRole('button', { name: this.t(TEXT.logout) });
      // Error pages have no menu: log out from the workbench.
      if ((await logout.count()) === 0) await page.goto('/workbench');
      await logout.click();
      await page.waitForURL((u) => u.pathname === '/login');
    }
    await login(page, user);
    this.user = user;
    const tag = this.lang === 'en' ? 'en' : 'zh-CN';
    await page.locator(`html[lang="${tag}"]`).waitFor({ state: 'attached' });
    return page;
  }

  /**
   * Clicks `button` (a locator) that submits a form, and returns the answer to the POST (the
   * redirect after success, or the page again with errors).
   */
  async post(button) {
    const { page } = this;
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      button.click(),
    ]);
    return answer;
  }

  /** Submits with `button`, then expects the redirect's `done` key and its toast. */
  async act(button, done) {
    const { page } = this;
    const answer = await this.post(button);
    assert.ok(
      answer.status() === 303 || answer.status() === 302,
      `${answer.url()} answered ${answer.status()} instead of redirecting with done=${done}`,
    );
    await page.waitForURL((u) => u.searchParams.get('done') === done);
    await this.expectToast(done);
  }

  async expectToast(done) {
    const toast = this.page.getByRole('status').filter({ hasText: this.t(TOAST[done]) });
    await toast.waitFor({ state: 'attached' });
  }

  /** The item page's action form whose `<summary>` reads `summary`, opened. */
  async action(scope, summary) {
    const details = scope
      .locator('details.action')
      .filter({ has: this.page.locator('summary', { hasText: exactly(summary) }) })
      .first();
    await details.waitFor();
    if (!(await details.evaluate((d) => d.open))) {
      await details.locator('summary').click();
    }
    return details;
  }

  /** A workbench list (by its heading). */
  list(entry) {
    const { page } = this;
    const heading = new RegExp(`^${esc(this.t(entry))}\\s*\\d*$`);
    return page.locator('section').filter({ has: page.getByRole('heading', { name: heading }) });
  }

  /** Follows the menu's link `entry`, opening the menu first where it is a drawer (phones). */
  async menu(entry) {
    const { page } = this;
    const nav = page.getByRole('navigation', { name: this.t(UI.menu) });
    const link = nav.getByRole('link', { name: this.t(entry) });
    if (!(await onScreen(link))) {
      await page.getByRole('button', { name: this.t(UI.menu) }).click();
      await until(() => onScreen(link), `the menu opens and shows ${this.t(entry)}`);
    }
    await link.click();
  }

  /** Opens the workbench from the menu. */
  async workbench() {
    const { page } = this;
    await this.menu(UI.workbench);
    await page.waitForURL((u) => u.pathname === '/workbench');
    return page;
  }

  /** Opens `title` from the workbench list `entry`. */
  async openFromWorkbench(entry, title) {
    const { page } = this;
    await this.workbench();
    const link = this.list(entry).getByRole('link', { name: title, exact: true }).first();
    await link.waitFor();
    await link.click();
    await page.waitForURL((u) => /^\/items\/\d+$/.test(u.pathname));
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
  }

  /**
   * Registers an item through the menu's "register" link and saves the draft; returns its id.
   * `leader` is the approving leader's name as the select shows it.
   */
  async register({ title, description, deadline, leader, target }) {
    const { page } = this;
    await this.menu(UI.newItem);
    await page.waitForURL((u) => u.pathname === '/items/new');
    await page.getByLabel(this.t(UI.title), { exact: true }).fill(title);
    await page.getByLabel(this.t(UI.description), { exact: true }).fill(description);
    await page.getByLabel(this.t(UI.deadlineDate), { exact: true }).fill(deadline);
    await page
      .getByLabel(this.t(UI.cadence), { exact: true })
      .selectOption({ label: this.t(UI.cadenceNone) });
    if (target) {
      await page.getByLabel(this.t(UI.targetName), { exact: true }).first().fill(target.name);
      await page.getByLabel(this.t(UI.targetUnit), { exact: true }).first().fill(target.unit);
      await page.getByLabel(this.t(UI.targetValue), { exact: true }).first().fill(target.value);
    }
    if (leader) {
      await page.getByLabel(this.t(UI.leader), { exact: true }).selectOption({ label: leader });
    }
    await this.act(page.getByRole('button', { name: this.t(UI.saveDraft) }), 'created');
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
    await this.expectItemState('draft');
    return Number(new URL(page.url()).pathname.split('/').pop());
  }

  async submitForApproval() {
    const button = this.page.getByRole('button', { name: this.t(UI.submitForApproval) });
    await this.act(button, 'submitted');
    await this.expectItemState('pending_approval');
  }

  async approve(comment) {
    const form = await this.action(this.page.locator('main'), this.t(UI.approve));
    await form.getByLabel(this.t(UI.comment)).fill(comment);
    await this.act(form.getByRole('button', { name: this.t(UI.approve) }), 'approved');
    await this.expectItemState('approved');
  }

  /** Picks `lead` (and `co` units) in the unit picker by typing in its search box. */
  async pickUnits(lead, co = []) {
    const { page } = this;
    const search = page.getByLabel(this.t(UI.unitPicker));
    const row = (unit) =>
      page
        .locator('#unit-list li')
        .filter({ has: page.locator('span', { hasText: new RegExp(`^\\s*${esc(unit)}\\s`) }) });
    for (const [unit, role] of [[lead, 'lead'], ...co.map((u) => [u, 'co'])]) {
      await search.fill(unit);
      const visible = page.locator('#unit-list li:visible');
      // The search hides every unit whose name does not contain the query (once the page's
      // script has run: wait for the list to settle, then check it).
      await row(unit).waitFor();
      await page
        .waitForFunction(
          (u) =>
            [...document.querySelectorAll('#unit-list li')]
              .filter((li) => !li.hidden)
              .every((li) => li.textContent.includes(u)),
          unit,
          { timeout: 5000 },
        )
        .catch(() => {});
      const shown = await visible.allTextContents();
      assert.ok(
        shown.every((text) => text.includes(unit)),
        `the search for ${unit} left other units shown: ${shown.join(' | ')}`,
      );
      await row(unit).getByRole(role === 'lead' ? 'radio' : 'checkbox').check();
    }
  }

  /** Dispatches the item on the page to `lead` (and `co`) through the unit picker. */
  async dispatch(lead, co = [], { instructions, onPicked } = {}) {
    const { page } = this;
    await page.getByRole('link', { name: this.t(UI.dispatch), exact: true }).click();
    await page.waitForURL((u) => /^\/items\/\d+\/dispatch$/.test(u.pathname));
    await page.getByRole('heading', { level: 1, name: this.t(UI.dispatch) }).waitFor();
    await this.pickUnits(lead, co);
    if (instructions) await page.getByLabel(this.t(UI.instructions)).fill(instructions);
    if (onPicked) await onPicked(page);
    const button = page.getByRole('button', { name: this.t(UI.dispatch), exact: true });
    await this.act(button, 'dispatched');
    await this.expectItemState('dispatched');
  }

  /** The "my work" section of `unit` on the item page. */
  work(unit) {
    const { page } = this;
    return page
      .locator('section[id^="work-"]')
      .filter({ has: page.getByRole('heading', { name: new RegExp(`·\\s*${esc(unit)}\\s`) }) });
  }

  /** Signs `unit`'s assignment with the default responsible person (the user). */
  async sign(unit) {
    const form = await this.action(this.work(unit), this.t(UI.sign));
    const responsible = form.getByLabel(this.t(UI.responsible));
    assert.ok((await responsible.inputValue()) !== '', 'a responsible person is preselected');
    await this.act(form.getByRole('button', { name: this.t(UI.sign), exact: true }), 'signed');
  }

  /** Hands `unit`'s assignment down to `lead` and `co` through the picker. */
  async decompose(unit, lead, co = []) {
    const { page } = this;
    await this.work(unit).getByRole('link', { name: this.t(UI.decompose) }).click();
    await page.waitForURL((u) => /^\/assignments\/\d+\/decompose$/.test(u.pathname));
    await page.getByRole('heading', { level: 1, name: this.t(UI.decompose) }).waitFor();
    await this.pickUnits(lead, co);
    const button = page.getByRole('button', { name: this.t(UI.decompose), exact: true });
    await this.act(button, 'decomposed');
  }

  /** Opens `unit`'s report form and fills it; returns the form, not yet submitted. */
  async fillReport(unit, { completion, percent, text, files }) {
    const form = await this.action(this.work(unit), this.t(UI.reportAction));
    const kind = completion ? LABEL.kind.completion : LABEL.kind.progress;
    const select = form.getByLabel(this.t(UI.reportKind), { exact: true });
    await select.selectOption({ label: this.t(kind) });
    await form.getByLabel(this.t(UI.percent)).fill(String(percent));
    await form.getByLabel(this.t(UI.reportText)).fill(text);
    if (files) await form.getByLabel(this.t(UI.evidence), { exact: true }).setInputFiles(files);
    return form;
  }

  /** Files a report (a completion request when `completion`) for `unit`. */
  async report(unit, options) {
    const form = await this.fillReport(unit, options);
    const done = options.completion ? 'completion_requested' : 'reported';
    await this.act(form.getByRole('button', { name: this.t(UI.submit), exact: true }), done);
  }

  /** The report of `unit` that is still to be reviewed, on the item page. */
  pendingReport(unit) {
    const { page } = this;
    return page
      .locator('#reports .report')
      .filter({ has: page.locator('strong', { hasText: exactly(unit) }) })
      .filter({ has: page.locator('details.action') });
  }

  /** Reviews `unit`'s pending report: `verdict` is 'accept' or 'return'. */
  async review(unit, verdict, comment) {
    const form = await this.action(this.pendingReport(unit), this.t(UI.review));
    await form.getByLabel(this.t(UI.comment)).fill(comment);
    const button = form.getByRole('button', { name: this.t(UI[verdict]), exact: true });
    await this.act(button, verdict === 'accept' ? 'accepted' : 'returned');
  }

  async closeItem(comment) {
    const form = await this.action(this.page.locator('main'), this.t(UI.closeItem));
    await form.getByLabel(this.t(UI.comment)).fill(comment);
    await this.act(form.getByRole('button', { name: this.t(UI.closeItem), exact: true }), 'closed');
    await this.expectItemState('closed');
  }

  /** The item page's state badge reads `state`'s label. */
  async expectItemState(state) {
    const head = this.page.locator('main .head').first();
    await head.getByText(this.t(LABEL.item[state]), { exact: true }).waitFor();
  }

  /** The assignment tree's row of `unit` shows `role` and `state` (and a return count). */
  async expectAssignment(unit, role, state, { returned } = {}) {
    const { page } = this;
    const name = new RegExp(`${esc(unit)}\\s*${esc(this.t(LABEL.role[role]))}`);
    const row = page
      .locator('table.tree tr[data-id]')
      .filter({ has: page.locator('td', { hasText: name }) });
    assert.equal(await row.count(), 1, `one ${role} row of ${unit} in the tree`);
    const cell = row.locator(`td[data-label="${this.t(UI.state)}"]`);
    const text = (await cell.textContent()).replace(/\s+/g, ' ').trim();
    const want = this.t(LABEL.assignment[state]);
    assert.ok(text.startsWith(want), `${unit}'s state reads "${text}", expected "${want}"`);
    if (returned) {
      assert.match(text, new RegExp(`${returned}$`), `${unit} was returned ${returned} times`);
    }
  }
}
