/**
 * Annotation ids seen in a file, kept in typed arrays (12 bytes each) rather than a Map, so a
 * file of millions of annotations can be checked for duplicate ids in little memory.
 */
export class IdIndex {
  private ids = new Float64Array(1024);
  private positions = new Uint32Array(1024);
  private size = 0;

  add(id: number, position: number): void {
    if (this.size === this.ids.length) this.grow();
    this.ids[this.size] = id;
    this.positions[this.size] = position;
    this.size += 1;
  }

  /** Each repeated id with the position of its first use and of the repeat. */
  *duplicates(): Generator<[number, number, number]> {
    const order = new Uint32Array(this.size);
    for (let i = 0; i < this.size; i++) order[i] = i;
    order.sort((a, b) => this.ids[a]! - this.ids[b]! || this.positions[a]! - this.positions[b]!);
    let start = 0;
    for (let i = 1; i < order.length; i++) {
      const id = this.ids[order[i]!]!;
      if (id !== this.ids[order[start]!]) start = i;
      else yield [id, this.positions[order[start]!]!, this.positions[order[i]!]!];
    }
  }

  private grow(): void {
    const ids = new Float64Array(this.ids.length * 2);
    const positions = new Uint32Array(this.positions.length * 2);
    ids.set(this.ids);
    positions.set(this.positions);
    this.ids = ids;
    this.positions = positions;
  }
}
