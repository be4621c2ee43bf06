/**
 * @file Kernel calls that use an object without keeping it: logging, warnings, copies, setters of a field,
 * pointer arithmetic. Handing a held object to one of these does not pass it on; handing it to any other
 * call may (the callee may store it), and a rule then stops judging who frees it.
 */

const USES_WITHOUT_KEEPING =
  /^(?:pr_\w+|printk\w*|(?:dev|pci|netdev|drm|xe|i915)_(?:err|warn|info|dbg|notice|crit|alert|emerg)\w*|dev_err_probe|WARN\w*|BUG\w*|mem\w+|str\w+|sg_\w+|trace_\w+|might_\w+|lockdep_\w+|\w+_set_\w+|\w+_init_wait|\w+_dump\w*|IS_ERR\w*|PTR_ERR\w*|ERR_CAST|container_of\w*|to_[a-z]\w*|\w+_(?:bulk_)?(?:read|write)(?:_\w+)?|copy_(?:to|from)_user\w*|dev_name|kobject_name)$/;

export function usesWithoutKeeping(name: string): boolean {
  return USES_WITHOUT_KEEPING.test(name);
}

/** A devres action: it will release something it was given, and we cannot tell what. */
export function keepsWhateverItIsGiven(name: string): boolean {
  return /^devm_add_action/.test(name);
}
