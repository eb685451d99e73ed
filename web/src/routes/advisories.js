// Advisories (注意喚起, issue 13 item 1): the feed and one advisory for every signed-in role (the
// API decides what each may read, by the TLP 2.0 rule); writing and amending for authority
// analysts.
import '../styles/areas.css';
import '../styles/advisories.css';

const writers = ['authority'];

export default [
  { path: '/advisories', name: 'advisories', component: () => import('../pages/advisories/Feed.vue') },
  { path: '/advisories/new', name: 'advisory-new', component: () => import('../pages/advisories/AdvisoryForm.vue'), meta: { roles: writers } },
  { path: '/advisories/:id', name: 'advisory', component: () => import('../pages/advisories/Advisory.vue') },
  { path: '/advisories/:id/amend', name: 'advisory-amend', component: () => import('../pages/advisories/AdvisoryForm.vue'), meta: { roles: writers } },
];
