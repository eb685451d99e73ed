import { createApp } from 'vue';
import App from './App.vue';
import { router } from './router.js';
import { i18n } from './lib/i18n.js';
import './styles/app.css';

createApp(App).use(i18n).use(router).mount('#app');
