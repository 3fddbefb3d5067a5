// Typed composite ids: the `group_id/user_id` kind of id a resource is imported by and stores as
// `id`. Each part names its attribute and the shape its values take, so a malformed import ID is
// rejected naming the part at fault.
import { ImportIdError } from './definitions';

/** The shape of one kind of vendor id, e.g. numeric ids or uids. */
export interface IdShape {
  pattern: RegExp;
  /** e.g. `a numeric Acme id` */
  description: string;
  /** e.g. `numeric Acme ids` */
  plural: string;
  example: string;
}

export interface IdPart {
  attribute: string;
  shape: IdShape;
  /** This part's value in the example of a malformed-ID message; the shape's example by default. */
  example?: string;
}

export class CompositeId {
  readonly format: string;

  constructor(
    readonly parts: readonly IdPart[],
    private readonly separator = '/',
  ) {
    this.format = parts.map((part) => part.attribute).join(separator);
  }

  /** The id of an object from its attribute values. */
  make(values: object): string {
    return this.parts.map((part) => String((values as Record<string, unknown>)[part.attribute])).join(this.separator);
  }

  /** The attribute values an id stands for; throws ImportIdError naming what is wrong. */
  split(id: string): Record<string, string> {
    const values = id.trim().split(this.separator);
    if (values.length !== this.parts.length || this.parts.some((part, index) => !part.shape.pattern.test(values[index]))) {
      throw new ImportIdError(`Expected an import ID of the form "${this.format}" ${this.describeParts()}, got "${id}".`);
    }
    return Object.fromEntries(this.parts.map((part, index) => [part.attribute, values[index]]));
  }

  private describeParts(): string {
    const example = this.parts.map((part) => part.example ?? part.shape.example).join(this.separator);
    const shapes = new Set(this.parts.map((part) => part.shape));
    const what = shapes.size === 1 ? `with ${this.parts[0].shape.plural}` : `where ${this.parts.map((part) => `${part.attribute} is ${part.shape.description}`).join(' and ')}`;
    return `${what} (e.g. "${example}")`;
  }
}

export function compositeId(parts: Array<[attribute: string, shape: IdShape, example?: string]>): CompositeId {
  return new CompositeId(parts.map(([attribute, shape, example]) => ({ attribute, shape, example })));
}
