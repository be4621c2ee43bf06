/** The rule documentation (docs/rules/*.md by rule id), inlined into the bundles by scripts/build.mjs. */
declare module 'mm-review-rule-docs' {
  const docs: Record<string, string>;
  export default docs;
}
