// History-mode routes (the server answers index.html for every non-API path). Each route says
// who may open it (meta.roles; none = any signed-in person, public = also signed out). Pages
// other than sign-in and home are separate chunks, loaded when first opened.
import { createRouter, createWebHistory } from 'vue-router';
import { session, loadSession, role, pendingStep } from './lib/session.js';
import SignIn from './pages/SignIn.vue';
import Home from './pages/Home.vue';
import authorityRoutes from './routes/authority.js';
import executiveRoutes from './routes/executive.js';
import operatorRoutes from './routes/operator.js';
import advisoryRoutes from './routes/advisories.js';

const routes = [
  { path: '/', name: 'home', component: Home },
  { path: '/sign-in', name: 'sign-in', component: SignIn, meta: { public: true } },
  { path: '/account/password', name: 'password', component: () => import('./pages/ChangePassword.vue'), meta: { setup: true } },
  { path: '/account/two-factor', name: 'two-factor', component: () => import('./pages/TwoFactor.vue'), meta: { setup: true } },
  { path: '/deadlines', name: 'deadlines', component: () => import('./pages/Deadlines.vue'), meta: { roles: ['reporter'] } },
  { path: '/reports', name: 'reports', component: () => import('./pages/Reports.vue'), meta: { roles: ['reporter'] } },
  { path: '/reports/new', name: 'report-new', component: () => import('./pages/ReportForm.vue'), meta: { roles: ['reporter'] } },
  { path: '/drafts/:id', name: 'draft', component: () => import('./pages/ReportForm.vue'), meta: { roles: ['reporter'] } },
  { path: '/reports/:id', name: 'report', component: () => import('./pages/ReportView.vue'), meta: { roles: ['reporter'] } },
  { path: '/reports/:id/amend', name: 'report-amend', component: () => import('./pages/ReportForm.vue'), meta: { roles: ['reporter'] } },
  { path: '/users', name: 'org-users', component: () => import('./pages/orgadmin/OrgUsers.vue'), meta: { roles: ['org_admin'] } },
  ...authorityRoutes, ...executiveRoutes, ...operatorRoutes, ...advisoryRoutes,
  { path: '/refused', name: 'refused', component: () => import('./pages/Refused.vue') },
  { path: '/:rest(.*)*', name: 'not-found', component: () => import('./pages/NotFound.vue'), meta: { public: true } },
];

export const router = createRouter({ history: createWebHistory('/'), routes });

router.beforeEach(async (to) => {
  if (!session.loaded) {
    try {
      await loadSession();
    } catch {
      session.loaded = true; // the page shows the problem when it calls the API itself
    }
  }
  if (to.meta.public) return true;
  if (!session.data) return { name: 'sign-in', query: to.fullPath !== '/' ? { next: to.fullPath } : {} };
  const step = pendingStep();
  if (step && !to.meta.setup) return { name: step };
  if (to.meta.roles && !to.meta.roles.includes(role())) return { name: 'refused', query: { from: to.fullPath } };
  return true;
});

// Move the focus to the new page's heading so keyboard and screen-reader users know it changed
// (WCAG 2.4.3). Not when the same page stays and has put the focus on something of its own
// inside <main> (the report form's next step moves it to that step's heading, and its address
// changes only to remember the step): taking it to the <h1> would send the person back to the
// top of the page. A page that draws its heading only once its data has come (the
// questionnaire) gets the focus then, unless the person has moved it meanwhile.
function focusHeading(h) {
  h.setAttribute('tabindex', '-1');
  h.focus({ preventScroll: true });
}
let waiting = null;
router.afterEach((to, from) => {
  const samePage = from.matched.length > 0 && to.matched.length > 0
    && to.matched[to.matched.length - 1].components.default === from.matched[from.matched.length - 1].components.default;
  if (waiting) waiting.disconnect();
  waiting = null;
  setTimeout(() => {
    const main = document.querySelector('main');
    const a = document.activeElement;
    if (samePage && main && a && a !== main && main.contains(a)) return;
    const h = document.querySelector('main h1');
    if (h) return focusHeading(h);
    if (!main) return;
    const obs = new MutationObserver(() => {
      const later = main.querySelector('h1');
      if (!later) return;
      obs.disconnect();
      if (waiting === obs) waiting = null;
      const now = document.activeElement;
      if (!now || now === document.body || now === main) focusHeading(later);
    });
    obs.observe(main, { childList: true, subtree: true });
    waiting = obs;
    setTimeout(() => obs.disconnect(), 10000); // a page that never draws one
  }, 0);
});
