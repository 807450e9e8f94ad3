import { describe, expect, it } from 'vitest';
import { RecordShapes, recordTemplate } from '../../main/cdr/record-shape.js';

describe('record templates', () => {
  it('hold every key, in order, with empty values', () => {
    const template = recordTemplate(['start', 'src', 'dst']);
    expect(Object.entries(template)).toEqual([
      ['start', ''],
      ['src', ''],
      ['dst', ''],
    ]);
  });

  it('keep a repeated key at its first position, as assigning one by one does', () => {
    expect(Object.keys(recordTemplate(['src', 'dst', 'src']))).toEqual(['src', 'dst']);
  });

  it('hand out independent copies per field list', () => {
    const shapes = new RecordShapes();
    const a = shapes.blank(['src', 'dst']);
    a.src = '1000';
    const b = shapes.blank(['src', 'dst']);
    expect(b).toEqual({ src: '', dst: '' });
    expect(Object.keys(shapes.blank(['dst', 'src']))).toEqual(['dst', 'src']);
  });
});
