// A real OpenID Connect provider on loopback, for motcua's development and tests.
//
// The protocol (discovery, authorization code with PKCE, signed ID tokens, userinfo,
// RP-initiated logout) is panva/oidc-provider, an OpenID Certified implementation; this
// script only configures it and supplies what every deployment of it supplies itself:
// the account store and the login and consent pages (its "interactions"). See
// docs/adr/0004-eid-login.md.
//
// Configuration comes from the environment:
//   OIDC_HOST, OIDC_PORT        where to listen (127.0.0.1, port 0 = any free port)
//   OIDC_CLIENT_ID, OIDC_CLIENT_SECRET
//   OIDC_REDIRECT_URIS          space-separated, e.g. http://127.0.0.1:8000/oidc/callback/
//   OIDC_POST_LOGOUT_REDIRECT_URIS  space-separated (optional)
//   OIDC_ACCOUNTS_FILE          JSON list of accounts replacing the built-in ones (optional)
//   OIDC_EXIT_WITH_PARENT       set: exit when standard input closes (the parent is gone)
// Once listening it prints one line, `READY <issuer>`, on standard output.

import { createServer } from 'node:http';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

import Provider from 'oidc-provider';

const env = process.env;
const host = env.OIDC_HOST || '127.0.0.1';
const port = Number(env.OIDC_PORT || 0);
const words = (value) => (value || '').split(/\s+/).filter(Boolean);

// Assurance levels of an electronic identification account (Decree 69/2024/ND-CP: level 1
// and level 2). The national provider's exact `acr` strings are not published; these are
// the development provider's, and motcua stores whatever value the provider sends.
const acrFor = (level) => `eid-level-${level}`;

// Built-in accounts: invented people with invented 12-digit ID numbers.
const DEFAULT_ACCOUNTS = [
  {
    sub: 'dev-0001',
    id_number: '046190001234',
    password: 'mat-khau-1',
    name: 'Nguyễn Thị Ngọc Ánh',
    family_name: 'Nguyễn',
    given_name: 'Thị Ngọc Ánh',
    birthdate: '1990-05-12',
    max_level: 2,
  },
  {
    sub: 'dev-0002',
    id_number: '001085004321',
    password: 'mat-khau-2',
    name: 'Trần Văn Bình',
    family_name: 'Trần',
    given_name: 'Văn Bình',
    birthdate: '1985-11-02',
    max_level: 1,
  },
];

const accounts = env.OIDC_ACCOUNTS_FILE
  ? JSON.parse(readFileSync(env.OIDC_ACCOUNTS_FILE, 'utf8'))
  : DEFAULT_ACCOUNTS;
const bySub = new Map(accounts.map((a) => [a.sub, a]));
const byIdNumber = new Map(accounts.map((a) => [a.id_number, a]));

const html = (value) => String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title, body) {
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${html(title)}</title></head>
<body><main><h1>${html(title)}</h1>
<p><em>Nhà cung cấp định danh dùng cho phát triển và kiểm thử (development provider).</em></p>
${body}</main></body></html>`;
}

function send(res, status, body) {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(body);
}

async function readForm(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 64 * 1024) throw new Error('form too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function loginForm(uid, error = '') {
  return page(
    'Đăng nhập tài khoản định danh điện tử',
    `${error ? `<p role="alert">${html(error)}</p>` : ''}
<form method="post" action="/interaction/${html(uid)}/login" autocomplete="off">
  <label>Số định danh cá nhân <input name="id_number" inputmode="numeric" required></label>
  <label>Mật khẩu <input name="password" type="password" required></label>
  <label>Mức định danh
    <select name="level"><option value="2">Mức 2</option><option value="1">Mức 1</option></select>
  </label>
  <button type="submit">Đăng nhập</button>
</form>
<p><a href="/interaction/${html(uid)}/abort">Hủy</a></p>`,
  );
}

function consentForm(uid, clientId, scopes) {
  return page(
    'Chia sẻ thông tin định danh',
    `<p>Dịch vụ <strong>${html(clientId)}</strong> đề nghị nhận: ${html(scopes.join(', '))}.</p>
<form method="post" action="/interaction/${html(uid)}/confirm">
  <button type="submit">Đồng ý</button>
</form>
<p><a href="/interaction/${html(uid)}/abort">Từ chối</a></p>`,
  );
}

// RSA signing key made fresh at each start: the relying party fetches it from jwks_uri.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = {
  ...privateKey.export({ format: 'jwk' }),
  kid: randomBytes(8).toString('hex'),
  use: 'sig',
  alg: 'RS256',
};

let provider;
let handle;

async function interactions(req, res, url) {
  const match = url.pathname.match(/^\/interaction\/([\w-]+)(?:\/(login|confirm|abort))?\/?$/);
  if (!match) return false;
  const [, uid, step] = match;
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) {
    send(res, 400, page('Phiên không hợp lệ', '<p>Phiên đăng nhập không khớp.</p>'));
    return true;
  }
  const { prompt, params, session } = details;

  if (!step && req.method === 'GET') {
    if (prompt.name === 'login') send(res, 200, loginForm(uid));
    else send(res, 200, consentForm(uid, params.client_id, words(params.scope)));
    return true;
  }
  if (step === 'abort') {
    await provider.interactionFinished(req, res, {
      error: 'access_denied',
      error_description: 'End-User aborted interaction',
    }, { mergeWithLastSubmission: false });
    return true;
  }
  if (req.method !== 'POST') {
    send(res, 405, page('Không hỗ trợ', '<p>Method not allowed.</p>'));
    return true;
  }
  const form = await readForm(req);
  if (step === 'login' && prompt.name === 'login') {
    const account = byIdNumber.get((form.get('id_number') || '').trim());
    const level = Number(form.get('level') || 1);
    if (!account || account.password !== form.get('password')) {
      send(res, 200, loginForm(uid, 'Số định danh hoặc mật khẩu không đúng.'));
      return true;
    }
    if (!(level >= 1 && level <= account.max_level)) {
      send(res, 200, loginForm(uid, `Tài khoản này chỉ đạt mức ${account.max_level}.`));
      return true;
    }
    await provider.interactionFinished(req, res, {
      login: { accountId: account.sub, acr: acrFor(level), amr: ['pwd'] },
    }, { mergeWithLastSubmission: false });
    return true;
  }
  if (step === 'confirm' && prompt.name === 'consent') {
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    const missing = prompt.details;
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes || {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    await provider.interactionFinished(req, res, {
      consent: { grantId: await grant.save() },
    }, { mergeWithLastSubmission: true });
    return true;
  }
  send(res, 400, page('Bước không hợp lệ', '<p>Unexpected step.</p>'));
  return true;
}

const server = createServer(async (req, res) => {
  try {
    const url = new URL(req.url, 'http://placeholder');
    if (url.pathname.startsWith('/interaction/') && (await interactions(req, res, url))) return;
    handle(req, res);
  } catch (error) {
    console.error(error);
    if (!res.headersSent) send(res, 500, page('Lỗi', `<pre>${html(error.message)}</pre>`));
  }
});

server.listen(port, host, () => {
  const issuer = `http://${host}:${server.address().port}`;
  provider = new Provider(issuer, {
    clients: [
      {
        client_id: env.OIDC_CLIENT_ID || 'motcua-dev',
        client_secret: env.OIDC_CLIENT_SECRET || 'motcua-dev-secret',
        redirect_uris: words(env.OIDC_REDIRECT_URIS || 'http://127.0.0.1:8000/oidc/callback/'),
        post_logout_redirect_uris: words(
          env.OIDC_POST_LOGOUT_REDIRECT_URIS || 'http://127.0.0.1:8000/',
        ),
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    // Authorization code with PKCE only (S256 is the only method oidc-provider offers).
    pkce: { required: () => true },
    responseTypes: ['code'],
    acrValues: [acrFor(1), acrFor(2)],
    claims: {
      // The level of the login is stated in every ID token, asked for or not.
      openid: ['sub', 'acr'],
      // Where the national provider carries the ID number is unconfirmed; here it comes with
      // `profile` (motcua reads it from the claim named by MOTCUA_OIDC_ID_NUMBER_CLAIM).
      profile: ['name', 'family_name', 'given_name', 'birthdate', 'id_number'],
      acr: null,
      auth_time: null,
      sid: null,
      iss: null,
    },
    async findAccount(ctx, sub) {
      const account = bySub.get(sub);
      if (!account) return undefined;
      return {
        accountId: sub,
        async claims() {
          const { password, max_level, ...claims } = account;
          return claims;
        },
      };
    },
    jwks: { keys: [signingKey] },
    ttl: {
      AccessToken: 600,
      AuthorizationCode: 60,
      Grant: 3600,
      IdToken: 3600,
      Interaction: 600,
      Session: 3600,
    },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx, form) {
          ctx.body = page('Đăng xuất', `${form}
<button type="submit" form="op.logoutForm" value="yes" name="logout">Đăng xuất</button>
<button type="submit" form="op.logoutForm">Ở lại</button>`);
        },
        async postLogoutSuccessSource(ctx) {
          ctx.body = page('Đã đăng xuất', '<p>Bạn đã đăng xuất.</p>');
        },
      },
    },
    async renderError(ctx, out) {
      ctx.type = 'html';
      const rows = Object.entries(out).map(([k, v]) => `<p><strong>${html(k)}</strong>: ${html(v)}</p>`);
      ctx.body = page('Lỗi', rows.join(''));
    },
  });
  provider.on('server_error', (ctx, error) => console.error('server_error', error));
  handle = provider.callback();
  console.log(`READY ${issuer}`);
});

// Started by the test setup with a pipe on standard input: when that process goes away, so
// does this one, even if it could not stop it (killed, crashed).
if (env.OIDC_EXIT_WITH_PARENT) {
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));
}

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
