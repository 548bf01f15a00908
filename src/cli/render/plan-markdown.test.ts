import { describe, expect, it } from 'vitest';
import { mdCell } from './plan-markdown.js';

describe('mdCell', () => {
  it('keeps manifest text from breaking the table or injecting HTML into a pull request', () => {
    const cell = mdCell('a | b\n<script>alert(1)</script> `code` CONTOSO\\_svc & co');
    expect(cell).toBe("a \\| b &lt;script&gt;alert(1)&lt;/script&gt; 'code' CONTOSO\\\\_svc &amp; co");
    expect(cell).not.toMatch(/\n|<|(?<!\\)\|/);
  });
});
