// Governance (the reporter role manages its organisation's governance data, README): the CSF
// self-assessments, their results, assets and loss scenarios, simulations and the rating report.
import '../styles/areas.css';

const roles = ['reporter'];

export default [
  { path: '/governance', name: 'governance', component: () => import('../pages/executive/Assessments.vue'), meta: { roles } },
  { path: '/governance/assessments/:id', name: 'assessment', component: () => import('../pages/executive/Questionnaire.vue'), meta: { roles } },
  { path: '/governance/assessments/:id/results', name: 'assessment-results', component: () => import('../pages/executive/Results.vue'), meta: { roles } },
  { path: '/governance/risk', name: 'risk', component: () => import('../pages/executive/Risk.vue'), meta: { roles } },
  { path: '/governance/simulations', name: 'simulation', component: () => import('../pages/executive/Simulation.vue'), meta: { roles } },
];
