/**
 * Modals as Discord takes them (interaction response type 9) and sends them back (MODAL_SUBMIT,
 * interaction type 5): a modal Discord would refuse gets 400 Invalid Form Body; a submission holds
 * what the person typed, in the modal's own layout (labels or legacy action rows).
 */
import type { Json } from './payloads.js';

const MAX = {
  customId: 100,
  title: 45,
  components: 5,
  label: 45,
  description: 100,
  text: 4000,
  placeholder: 100,
};
const ACTION_ROW = 1;
const TEXT_INPUT = 4;
const LABEL = 18;

/** `errors` of a 50035 Invalid Form Body answer for the first problem, or null. */
export function modalProblem(data: Json | null): Json | null {
  const err = (path: string[], code: string, message: string): Json => {
    let node: Json = { _errors: [{ code, message }] };
    for (const key of [...path].reverse()) node = { [key]: node };
    return { data: node };
  };
  if (!data) return err([], 'BASE_TYPE_REQUIRED', 'This field is required');
  const length = (v: unknown, path: string[], min: number, max: number): Json | null => {
    const n = typeof v === 'string' ? [...v].length : -1;
    if (n < min) return err(path, 'BASE_TYPE_REQUIRED', 'This field is required');
    return n > max ? err(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`) : null;
  };
  const top =
    length(data.custom_id, ['custom_id'], 1, MAX.customId) ?? length(data.title, ['title'], 1, MAX.title);
  if (top) return top;
  const components = Array.isArray(data.components) ? (data.components as Json[]) : [];
  if (components.length < 1 || components.length > MAX.components)
    return err(['components'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 5 in length.');
  for (const [i, c] of components.entries()) {
    const problem = componentProblem(c, ['components', String(i)], length, err);
    if (problem) return problem;
  }
  return null;
}

type Length = (v: unknown, path: string[], min: number, max: number) => Json | null;
type Err = (path: string[], code: string, message: string) => Json;

function componentProblem(c: Json, path: string[], length: Length, err: Err): Json | null {
  if (c.type === LABEL) {
    const inner = c.component as Json | undefined;
    if (!inner) return err([...path, 'component'], 'BASE_TYPE_REQUIRED', 'This field is required');
    return (
      length(c.label, [...path, 'label'], 1, MAX.label) ??
      (c.description === undefined
        ? null
        : length(c.description, [...path, 'description'], 0, MAX.description)) ??
      textInputProblem(inner, [...path, 'component'], length, err, false)
    );
  }
  if (c.type === ACTION_ROW) {
    const [inner] = (c.components as Json[] | undefined) ?? [];
    if (!inner)
      return err([...path, 'components'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 1 in length.');
    return textInputProblem(inner, [...path, 'components', '0'], length, err, true);
  }
  return err([...path, 'type'], 'UNION_TYPE_CHOICES', 'Value of field "type" must be one of (1, 18).');
}

function textInputProblem(t: Json, path: string[], length: Length, err: Err, legacy: boolean): Json | null {
  if (t.type !== TEXT_INPUT) return null; // the fake fills in text inputs only
  if (t.style !== 1 && t.style !== 2)
    return err([...path, 'style'], 'BASE_TYPE_CHOICES', 'Value must be one of (1, 2).');
  const max = t.max_length === undefined ? MAX.text : Number(t.max_length);
  if (!Number.isInteger(max) || max < 1 || max > MAX.text)
    return err([...path, 'max_length'], 'NUMBER_TYPE_MAX', 'int value should be less than or equal to 4000.');
  return (
    length(t.custom_id, [...path, 'custom_id'], 1, MAX.customId) ??
    (legacy ? length(t.label, [...path, 'label'], 1, MAX.label) : null) ??
    (t.placeholder === undefined
      ? null
      : length(t.placeholder, [...path, 'placeholder'], 0, MAX.placeholder)) ??
    (t.value === undefined ? null : length(t.value, [...path, 'value'], 0, max))
  );
}

/**
 * The `data.components` of a MODAL_SUBMIT for a person who typed `values` (by custom_id) into the
 * modal; throws where Discord's client would not submit (a required field empty, a length outside
 * min_length..max_length). Component ids are numbered in order, as Discord does when none are set.
 */
export function submittedComponents(modal: Json, values: Record<string, string>): Json[] {
  let id = 0;
  const input = (t: Json): Json => {
    const customId = String(t.custom_id);
    const value = values[customId] ?? (typeof t.value === 'string' ? t.value : '');
    const n = [...value].length;
    if (!value && t.required !== false)
      throw new Error(`FakeDiscord: "${customId}" is required; the client will not submit`);
    if (value && (n > Number(t.max_length ?? MAX.text) || n < Number(t.min_length ?? 0)))
      throw new Error(`FakeDiscord: "${customId}" is outside its length limits; the client will not submit`);
    return { type: TEXT_INPUT, id: ++id, custom_id: customId, value };
  };
  return ((modal.components as Json[]) ?? []).map((c) => {
    const own = ++id;
    if (c.type === LABEL) return { type: LABEL, id: own, component: input(c.component as Json) };
    return { type: ACTION_ROW, id: own, components: ((c.components as Json[]) ?? []).map(input) };
  });
}
