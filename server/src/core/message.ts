/** @file Message templates: `{{name}}` filled from a finding's data (rules' messages, models' issues). */

/** The template with each `{{name}}` replaced from `data`; a name `data` lacks stays as written. */
export function formatMessage(template: string, data: Record<string, string | number> = {}): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => (name in data ? String(data[name]) : whole));
}
