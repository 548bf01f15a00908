import type { SourcePosition } from '../model/diagnostic.js';
import type { Locator, ManifestDocument, ObjectRef } from '../model/manifest.js';
import type { Origin } from '../model/server.js';

/** LazyOrigin records where something was declared; its file position is found only when a message needs it. */
class LazyOrigin implements Origin {
  private position: SourcePosition | undefined;

  constructor(
    readonly document: ObjectRef,
    readonly path: string,
    readonly locate: Locator,
  ) {}

  get source(): SourcePosition {
    return (this.position ??= this.locate(this.path));
  }
}

/** origin is where a node of a document was declared, found when first asked for. */
export function origin(doc: ManifestDocument, object: ObjectRef, path: string): Origin {
  return new LazyOrigin(object, path, doc.locate);
}
