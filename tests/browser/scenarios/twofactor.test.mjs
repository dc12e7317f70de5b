// Two-factor login and the first-login password change (issue 14). A user enrols on the
// account security page (the secret read off the page, the code computed here as an
// authenticator app would: RFC 6238, HMAC-SHA1, 30-second steps), logs out, is held at the
// code step by the password alone, and gets in with the next code. An account the system
// admin creates must choose its own password first.

import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { request } from 'playwright-core';
import { BASE_URL, PASSWORD, login, scenario, shot } from '../lib.mjs';

/** RFC 4648 base32 to bytes. */
function base32(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of text.replace(/=+$/, '').toUpperCase()) {
    const v = alphabet.indexOf(c);
    assert.ok(v >= 0, `base32 character ${c}`);
    bits += v.toString(2).padStart(5, '0');
  }
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** The 6-digit TOTP code of `secret` at `seconds` since the epoch. */
function totp(secret, seconds) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(seconds / 30)));
  const mac = createHmac('sha1', base32(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(value).padStart(6, '0');
}

// A county liaison no other scenario uses: turning two-factor on does not disturb them.
const USER = 'baihe.liaison';

scenario('a user enrols in two-factor login; the password alone no longer logs in', async ({ page }) => {
  await login(page, USER);
  await page.goto('/account/security');
  await page.getByRole('heading', { name: '账号安全' }).waitFor();
  await page.getByRole('button', { name: '开始绑定验证器' }).click();
  await page.waitForURL(/\/account\/security$/);
  const secret = (await page.locator('[data-totp-secret]').textContent()).trim();
  assert.match(secret, /^[A-Z2-7]{16,}$/);
  assert.equal(await page.locator('.qr svg').count(), 1, 'the QR code is inline SVG');
  await shot(page, 'twofactor-enrol');

  const now = Date.now() / 1000;
  await page.getByLabel('验证码').fill(totp(secret, now));
  await page.getByRole('button', { name: '确认启用' }).click();
  await page.locator('[data-recovery]').waitFor();
  assert.equal(await page.locator('[data-recovery] li').count(), 10, 'ten recovery codes');

  await page.getByRole('button', { name: '退出' }).click();
  await page.waitForURL(/\/login$/);

  // The password alone stops at the code step, which opens nothing else.
  await login(page, USER);
  assert.equal(new URL(page.url()).pathname, '/login/step');
  await page.getByRole('heading', { name: '输入验证码' }).waitFor();
  await page.goto('/workbench');
  assert.equal(new URL(page.url()).pathname, '/login', 'no business page before the code');

  // A wrong code is refused in place; the next step's code logs in.
  await page.goto('/login/step?next=/workbench');
  await page.getByLabel('验证码').fill('000000');
  await page.getByRole('button', { name: '继续' }).click();
  await page.getByRole('alert').waitFor();
  await page.getByLabel('验证码').fill(totp(secret, now + 30));
  await page.getByRole('button', { name: '继续' }).click();
  await page.waitForURL(/\/workbench$/);
  await page.getByRole('button', { name: '退出' }).waitFor();
});

scenario('an account the admin created chooses its own password at the first login', async ({ page }) => {
  const ctx = await request.newContext({ baseURL: BASE_URL });
  try {
    const res = await ctx.post('/api/v1/auth/login', {
      data: { username: 'sysadmin', password: PASSWORD },
    });
    assert.equal(res.status(), 200, await res.text());
    const { csrf_token: csrf, me } = await res.json();
    const made = await ctx.post('/api/v1/users', {
      headers: { 'x-csrf-token': csrf },
      data: {
        username: 'newcomer1',
        display_name: '新同事',
        unit_id: me.unit.id,
        roles: ['liaison'],
        password: 'Harbor-light-2026',
      },
    });
    assert.equal(made.status(), 200, await made.text());
  } finally {
    await ctx.dispose();
  }

  await login(page, 'newcomer1', { password: 'Harbor-light-2026' });
  assert.equal(new URL(page.url()).pathname, '/login/step');
  await page.getByRole('heading', { name: '设置新密码' }).waitFor();
  // A common password is refused with the reason.
  await page.getByLabel('新密码', { exact: true }).fill('qq1234567890');
  await page.getByLabel('再次输入新密码').fill('qq1234567890');
  await page.getByRole('button', { name: '继续' }).click();
  await page.getByRole('alert').waitFor();
  assert.match(await page.getByRole('alert').textContent(), /常见/);
  await page.getByLabel('新密码', { exact: true }).fill('Quiet-river-3141');
  await page.getByLabel('再次输入新密码').fill('Quiet-river-3141');
  await page.getByRole('button', { name: '继续' }).click();
  await page.waitForURL(/\/workbench$/);

  // The new password goes straight in next time.
  await page.getByRole('button', { name: '退出' }).click();
  await page.waitForURL(/\/login$/);
  await login(page, 'newcomer1', { password: 'Quiet-river-3141' });
  assert.equal(new URL(page.url()).pathname, '/workbench');
});
