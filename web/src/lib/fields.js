// Helpers for forms that put an ApiError's validation problems next to their fields.
export function hasFieldError(error, pointer) {
  return !!(error && error.fields && error.fields[pointer] && error.fields[pointer].length);
}

// The input's ARIA for a pointer: invalid and described by its FieldError (id) when it has one.
export function fieldAria(error, pointer, id) {
  return hasFieldError(error, pointer) ? { 'aria-invalid': 'true', 'aria-describedby': id } : {};
}

// Problems at pointers the form has no field for (shown in the alert above the form).
export function otherFieldErrors(error, known, lang) {
  if (!error || !error.errors) return [];
  return error.errors.filter((e) => !known.includes(e.pointer)).map((e) => (lang === 'ja' ? e.message_ja : e.message_en) || e.message);
}
