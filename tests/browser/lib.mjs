// Shared helpers of the browser tests: one headless Chromium per test file, a fresh browser
// context (own cookies, own viewport) per scenario, logins of the demo city, screenshots saved
// as artefacts, and a JSON API client for finding data without relying on the demo's order.
//
// run.sh sets DUCHA_BASE_URL and ARTEFACTS; CHROMIUM overrides the browser's path.

import { after, test } from 'node:test';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, request } from 'playwright-core';

/** The server under test, e.g. http://127.0.0.1:40123 (no trailing slash). */
export const BASE_URL = (process.env.DUCHA_BASE_URL ?? '').replace(/\/+$/, '');
if (!BASE_URL) {
  throw new Error('DUCHA_BASE_URL is not set: run the tests through tests/browser/run.sh');
}

/** Where screenshots go. */
export const ARTEFACTS = path.resolve(process.env.ARTEFACTS ?? 'artefacts');
mkdirSync(ARTEFACTS, { recursive: true });

/** Every demo account's password (crates/ducha/src/demo/mod.rs). */
export const PASSWORD = 'Demo2026ducha';

/**
 * Demo accounts the tests use (crates/ducha/src/demo/seed.rs `LOGINS`, and the
 * `<county>.liaison` accounts every county gets). The counties are 青峰区 qingfeng, 明湖区 minghu,
 * 云溪县 yunxi, 松岭县 songling, 白河县 baihe and 枫林市 fenglin.
 */
export const USERS = {
  sysadmin: 'sysadmin',
  /** 市政府督查室 supervisor: sees every item of the city. */
  supervisor: 'zf.ducha1',
  /** 市委督查室 supervisor, kept for the wrong-password test so no other login is locked. */
  supervisor2: 'sw.ducha1',
  mayor: 'shizhang',
  /** 云溪县县长 (leader and head of the county). */
  yunxiHead: 'yunxi.head',
  /** 云溪县人民政府办公室 liaison: sees 云溪县's subtree only. */
  yunxiLiaison: 'yunxi.liaison',
  /** 松岭县 liaison: sees 松岭县's subtree only. */
  songlingLiaison: 'songling.liaison',
  /** 云溪县龙潭镇 township liaison. */
  longtanLiaison: 'longtan.liaison',
  /** 市住房城乡建设局 department liaison. */
  zjjLiaison: 'zjj.liaison',
};

/** Visible texts of the pages in both languages (crates/ducha-domain/src/i18n.rs). */
export const TEXT = {
  login: { zh: '登录', en: 'Log in' },
  username: { zh: '用户名', en: 'User name' },
  password: { zh: '密码', en: 'Password' },
  items: { zh: '督办事项', en: 'Supervised items' },
  inbox: { zh: '消息', en: 'Inbox' },
  inboxEmpty: { zh: '暂无消息', en: 'No messages' },
  logout: { zh: '退出', en: 'Log out' },
  loginFailed: {
    zh: '用户名或密码错误；连续失败多次后账号将临时锁定',
    en: 'Wrong user name or password; repeated failures lock the account for a while',
  },
  sessionExpired: { zh: '登录已过期，请重新登录', en: 'Your session expired; please log in again' },
  notFound: { zh: '未找到该记录', en: 'Not found' },
};

/** Either language's text of `key`, as a regular expression for role and label selectors. */
export function anyLang(key) {
  const { zh, en } = TEXT[key];
  return new RegExp(`^\\s*(${escape(zh)}|${escape(en)})\\s*$`);
}

function escape(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The two widths every page is checked and photographed at. */
export const DEVICES = {
  desktop: { viewport: { width: 1366, height: 900 } },
  phone: {
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 2,
  },
};

let browserPromise;

/** The test file's browser, launched on first use and closed when the file's tests end. */
export function browser() {
  browserPromise ??= chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox'],
    headless: true,
  });
  return browserPromise;
}

after(async () => {
  if (browserPromise) await (await browserPromise).close();
});

const deviceOf = new WeakMap();

/**
 * A fresh context: its own cookies, `device` ('desktop' or 'phone'), and a browser language
 * (`locale`, default zh-CN like the platform's users; the server reads Accept-Language).
 */
export async function newContext({ device = 'desktop', locale = 'zh-CN' } = {}) {
  const spec = DEVICES[device];
  if (!spec) throw new Error(`unknown device ${device}`);
  const context = await (await browser()).newContext({ ...spec, locale, baseURL: BASE_URL });
  context.setDefaultTimeout(10_000);
  deviceOf.set(context, device);
  return context;
}

/**
 * A test with a fresh page: `fn({ page, context, t })`. On failure the page is saved as
 * `failed-<name>-<device>.png` beside the other artefacts; the context is always closed.
 */
export function scenario(name, options, fn) {
  if (typeof options === 'function') [options, fn] = [{}, options];
  test(name, async (t) => {
    const context = await newContext(options);
    const page = await context.newPage();
    try {
      await fn({ page, context, t });
    } catch (e) {
      await shot(page, `failed-${slug(name)}`).catch(() => {});
      throw e;
    } finally {
      await context.close();
    }
  });
}

function slug(s) {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60) || 'scenario';
}

/**
 * Logs `user` in through the login form (opening /login unless the page already shows it) and
 * waits until the browser has left the login page. Throws with the page's error when the
 * server refuses the login.
 */
export async function login(page, user, { password = PASSWORD } = {}) {
  if (new URL(page.url()).pathname !== '/login') await page.goto('/login');
  await page.getByLabel(anyLang('username')).fill(user);
  await page.getByLabel(anyLang('password')).fill(password);
  const submitted = (r) => r.request().method() === 'POST' && r.request().isNavigationRequest();
  const [answer] = await Promise.all([
    page.waitForResponse(submitted),
    page.getByRole('button', { name: anyLang('login') }).click(),
  ]);
  if (answer.status() >= 400) {
    await page.waitForLoadState();
    const alert = page.getByRole('alert');
    const why = (await alert.count()) ? await alert.first().textContent() : 'no message';
    throw new Error(`login as ${user} refused (HTTP ${answer.status()}): ${why.trim()}`);
  }
  await page.waitForURL((u) => u.pathname !== '/login');
}

/**
 * Saves a full-page screenshot as `<ARTEFACTS>/<name>-<device>.png` once the page's fonts are
 * loaded; returns the path.
 */
export async function shot(page, name) {
  const device = deviceOf.get(page.context()) ?? 'desktop';
  await page.evaluate(() => document.fonts.ready);
  // A full-page picture taken while scrolled shows the sticky top bar mid-page.
  await page.evaluate(() => window.scrollTo(0, 0));
  const file = path.join(ARTEFACTS, `${name}-${device}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Throws unless the page fits its viewport's width (no sideways scrolling on a phone). */
export async function assertFitsWidth(page) {
  const [scroll, inner] = await page.evaluate(() => [
    document.documentElement.scrollWidth,
    window.innerWidth,
  ]);
  if (scroll > inner) {
    throw new Error(`${page.url()} is ${scroll} px wide in a ${inner} px viewport`);
  }
}

/**
 * A JSON API client logged in as `user` (POST /api/v1/auth/login); dispose it when done.
 * For finding test data the way a client would, independently of the order the demo made it.
 */
export async function api(user, { password = PASSWORD } = {}) {
  const ctx = await request.newContext({ baseURL: BASE_URL });
  const res = await ctx.post('/api/v1/auth/login', { data: { username: user, password } });
  if (!res.ok()) {
    await ctx.dispose();
    throw new Error(`API login as ${user}: HTTP ${res.status()} ${await res.text()}`);
  }
  return ctx;
}

/** Every item `client` may see (all pages of GET /api/v1/items), with optional filters. */
export async function allItems(client, filters = {}) {
  const items = [];
  let after;
  do {
    const params = { ...filters, limit: 200, ...(after ? { after } : {}) };
    const res = await client.get('/api/v1/items', { params });
    if (!res.ok()) throw new Error(`GET /api/v1/items: HTTP ${res.status()} ${await res.text()}`);
    const page = await res.json();
    items.push(...page.items);
    after = page.next_cursor;
  } while (after);
  return items;
}
