// The platform operator (admin): health and the audit chain, organisations, users, recipient
// bindings and delivery status. (An organisation administrator manages its own users on
// /users, pages/orgadmin/OrgUsers.vue.)
import '../styles/areas.css';

const roles = ['admin'];

export default [
  { path: '/operator', name: 'operator', component: () => import('../pages/operator/Overview.vue'), meta: { roles } },
  { path: '/operator/organizations', name: 'operator-orgs', component: () => import('../pages/operator/Organizations.vue'), meta: { roles } },
  { path: '/operator/users', name: 'operator-users', component: () => import('../pages/operator/Users.vue'), meta: { roles } },
  { path: '/operator/recipients', name: 'operator-recipients', component: () => import('../pages/operator/Recipients.vue'), meta: { roles } },
  { path: '/operator/deliveries', name: 'operator-deliveries', component: () => import('../pages/operator/Deliveries.vue'), meta: { roles } },
  { path: '/operator/audit', name: 'operator-audit', component: () => import('../pages/operator/Audit.vue'), meta: { roles } },
];
