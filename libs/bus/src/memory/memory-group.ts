import type { MemoryTopic } from './memory-topic';

export interface PartitionAssignment {
  topic: MemoryTopic;
  partition: number;
  /** Offset of the next record to deliver. */
  offset: number;
}

/** What the group needs from a subscription to move partitions between members safely. */
export interface GroupMember {
  readonly topics: readonly string[];
  readonly fromBeginning: boolean;
  /** Take no new record; resolves once the records in flight are finished (and committed). */
  revoke(): Promise<void>;
  assign(assignments: PartitionAssignment[]): void;
}

/**
 * A consumer group: committed offsets per partition and the members sharing the
 * partitions. Like Kafka's eager rebalance, every change revokes all partitions,
 * waits for in-flight records, then hands partitions out again from the committed offsets.
 */
export class MemoryGroup {
  private readonly committed = new Map<string, number>();
  private members: GroupMember[] = [];
  private rebalancing: Promise<void> = Promise.resolve();

  constructor(private readonly topicNamed: (name: string) => MemoryTopic | undefined) {}

  join(member: GroupMember): Promise<void> {
    this.members.push(member);
    return this.rebalance();
  }

  leave(member: GroupMember): Promise<void> {
    this.members = this.members.filter((candidate) => candidate !== member);
    return this.rebalance();
  }

  commit(topic: string, partition: number, nextOffset: number): void {
    this.committed.set(partitionKey(topic, partition), nextOffset);
  }

  private rebalance(): Promise<void> {
    // One at a time, so two joins in a row cannot hand the same partition to two members.
    this.rebalancing = this.rebalancing.then(() => this.reassign());
    return this.rebalancing;
  }

  private async reassign(): Promise<void> {
    const members = [...this.members];
    await Promise.all(members.map((member) => member.revoke()));
    const assignments = new Map<GroupMember, PartitionAssignment[]>(members.map((member) => [member, []]));
    const topicNames = new Set(members.flatMap((member) => member.topics));
    for (const name of topicNames) {
      const topic = this.topicNamed(name);
      if (topic === undefined) continue;
      const subscribers = members.filter((member) => member.topics.includes(name));
      topic.partitions.forEach((records, partition) => {
        const member = subscribers[partition % subscribers.length];
        if (member === undefined) return;
        const committed = this.committed.get(partitionKey(name, partition));
        const offset = committed ?? (member.fromBeginning ? 0 : records.length);
        assignments.get(member)?.push({ topic, partition, offset });
      });
    }
    for (const [member, assigned] of assignments) member.assign(assigned);
  }
}

function partitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}
