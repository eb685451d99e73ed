// Japanese by default, English one click away; the choice is kept in localStorage and sent to
// the server as Accept-Language (problem texts and validation messages come back in it).
import { createI18n } from 'vue-i18n';
import ja from '../locales/ja.json';
import en from '../locales/en.json';
import { setApiLang } from './api.js';
import { withAreas } from './areas.js';

const KEY = 'ichigen.lang';

function initial() {
  try {
    const v = localStorage.getItem(KEY);
    if (v === 'ja' || v === 'en') return v;
  } catch {
    /* storage refused (private mode): Japanese */
  }
  return 'ja';
}

export const i18n = createI18n({
  legacy: false,
  locale: initial(),
  fallbackLocale: 'ja',
  messages: withAreas({ ja, en }),
  missingWarn: false,
  fallbackWarn: false,
});

export function setLang(lang) {
  i18n.global.locale.value = lang;
  setApiLang(lang);
  document.documentElement.lang = lang;
  try {
    localStorage.setItem(KEY, lang);
  } catch {
    /* not kept; still switched for this page */
  }
}

setLang(i18n.global.locale.value);
