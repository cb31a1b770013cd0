/* Who is here: the person (GET /me), their identities and the unread count. Known only
 * from the API; the page keeps nothing in storage. */
import { api, hasSession } from './api.js';

export const session = { me: null, identities: [], unread: 0, staff: null, listeners: [] };

export function loggedIn() { return !!session.me; }
export function isOperator() { return !!(session.me && session.me.operator_roles && session.me.operator_roles.length); }
export function hasRole(r) { return isOperator() && session.me.operator_roles.includes(r); }
/* Institution staff from market's own record (GET /institution/me), not the person's
 * institution_id: staff added through the operator console have none on the person. */
export function isStaff() { return !!(session.me && session.staff); }
export function staffRole() { return session.staff ? session.staff.role : ''; }
export function activeIdentity() { return session.identities.find(i => i.active) || null; }

export function onChange(fn) { session.listeners.push(fn); }
function changed() { for (const fn of session.listeners) fn(); }

export async function refresh() {
  session.me = null;
  session.identities = [];
  session.unread = 0;
  session.staff = null;
  /* Without the readable CSRF cookie there is no session: no request that would 401. */
  if (hasSession()) {
    try {
      session.me = await api.get('/api/v1/me', null, { quiet401: true });
      const ids = await api.get('/api/v1/me/identities');
      session.identities = ids.items || [];
      session.unread = (await api.get('/api/v1/me/messages/unread-count')).count || 0;
      session.staff = await myStaff();
    } catch (e) {
      if (e.status !== 401) throw e;
      session.me = null;
    }
  }
  changed();
}

/* 404: the person is no institution's staff. */
async function myStaff() {
  try {
    return await api.get('/api/v1/institution/me');
  } catch (e) {
    if (e.status === 404) return null;
    throw e;
  }
}

/* An ended session is not an error here (a public page re-reads the badge too): forget it. */
export async function refreshUnread() {
  if (!session.me) return;
  try {
    session.unread = (await api.get('/api/v1/me/messages/unread-count', null, { quiet401: true })).count || 0;
  } catch (e) {
    if (e.status !== 401) throw e;
    forget();
    return;
  }
  changed();
}

export function forget() {
  session.me = null;
  session.staff = null;
  session.identities = [];
  session.unread = 0;
  changed();
}
