import { createApp } from 'vue';
const app = createApp({ template: undefined, render: () => 'ichigen' });
app.mount('#app');
