// The signed-in person, from GET /api/v1/auth/session (the session object of the cookie
// session: user, organization, csrf_token, password_change_required, two_factor).
import { reactive } from 'vue';
import { api, auth } from './api.js';

export const session = reactive({ loaded: false, data: null });

function adopt(data) {
  session.data = data;
  session.loaded = true;
  auth.csrf = data ? data.csrf_token : null;
}

export async function loadSession() {
  try {
    const { data } = await api.get('/api/v1/auth/session');
    adopt(data);
  } catch (e) {
    if (e.status === 401) adopt(null);
    else throw e;
  }
  return session.data;
}

export async function signIn(fields) {
  const { data } = await api.post('/api/v1/auth/session', fields);
  adopt(data);
  return data;
}

export async function signOut() {
  try {
    await api.del('/api/v1/auth/session');
  } finally {
    adopt(null);
  }
}

export function role() {
  return session.data && session.data.user ? session.data.user.role : null;
}

export function timeZone() {
  const o = session.data && session.data.organization;
  return (o && o.time_zone) || 'Asia/Tokyo';
}

// Where a signed-in person must go before anything else: a password chosen by someone else
// must be replaced, and roles that require two-factor must enrol first (the server refuses
// everything else meanwhile with 403 password_change_required / two_factor_setup_required).
export function pendingStep() {
  const d = session.data;
  if (!d) return null;
  if (d.password_change_required) return 'password';
  if (d.two_factor && d.two_factor.setup_required) return 'two-factor';
  return null;
}
