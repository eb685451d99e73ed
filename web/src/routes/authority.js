// The receiving side (roles recipient and authority): the inbox and one item of it; the
// statistics for authority analysts (the API's ACT_STATS_READ: authority only).
import '../styles/areas.css';

export default [
  { path: '/inbox', name: 'inbox', component: () => import('../pages/authority/Inbox.vue'), meta: { roles: ['recipient', 'authority'] } },
  { path: '/inbox/:id', name: 'inbox-item', component: () => import('../pages/authority/InboxItem.vue'), meta: { roles: ['recipient', 'authority'] } },
  { path: '/statistics', name: 'statistics', component: () => import('../pages/authority/Statistics.vue'), meta: { roles: ['authority'] } },
];
