/** A small tree written for the tests: frob_range() declared in a header, defined by two architectures, called twice. */
import { mark, patchMail } from '../helpers';

export const header = 'int frob_range(unsigned long start, unsigned long end);\n';
export const files: Record<string, string> = {
  'include/linux/frob.h': `#ifndef _FROB_H\n#define _FROB_H\n\n${header}\n#endif\n`,
  'arch/alpha/mm/frob.c': '#include <linux/frob.h>\n\nint frob_range(unsigned long start, unsigned long end)\n{\n\treturn 0;\n}\n',
  'arch/beta/mm/frob.c': '#include <linux/frob.h>\n\n/* beta has its own */\nint frob_range(unsigned long start, unsigned long end)\n{\n\treturn 1;\n}\n',
  'mm/user.c': '#include <linux/frob.h>\n\nvoid use(void)\n{\n\tfrob_range(0, 4096);\n}\n\nvoid other(void)\n{\n\tfrob_range(4096, 8192);\n}\n',
  'mm/unrelated.c': 'int frobnicate(void) { return 0; }\n',
};

/** A patch adding `int nid` to frob_range(): the header, alpha's definition and the first call. */
export function frobPatch(): string {
  return patchMail('mm: frob_range() takes a node', [
    {
      path: 'include/linux/frob.h',
      hunks: [
        {
          start: 1,
          lines: [
            ...mark(' ', '#ifndef _FROB_H\n#define _FROB_H\n'),
            ...mark(' ', ''),
            ...mark('-', header),
            ...mark('+', 'int frob_range(unsigned long start, unsigned long end, int nid);\n'),
            ...mark(' ', ''),
            ...mark(' ', '#endif'),
          ],
        },
      ],
    },
    {
      path: 'arch/alpha/mm/frob.c',
      hunks: [
        {
          start: 2,
          lines: [
            ...mark(' ', ''),
            ...mark('-', 'int frob_range(unsigned long start, unsigned long end)'),
            ...mark('+', 'int frob_range(unsigned long start, unsigned long end, int nid)'),
            ...mark(' ', '{\n\treturn 0;\n}'),
          ],
        },
      ],
    },
    {
      path: 'mm/user.c',
      hunks: [
        {
          start: 3,
          section: '',
          lines: [
            ...mark(' ', 'void use(void)\n{'),
            ...mark('-', '\tfrob_range(0, 4096);'),
            ...mark('+', '\tfrob_range(0, 4096, NUMA_NO_NODE);'),
            ...mark(' ', '}'),
          ],
        },
      ],
    },
  ]);
}
