import { asSealed, open, seal, type Sealed } from '@siyu/crypto';

/** A receiver as the platform sent it (masked, platform ciphertext, or in clear): personal either way (R1). */
export interface Receiver {
  name: string;
  phone: string;
  address: string;
}

// AAD = the order ref, so a sealed receiver cannot be moved to another order (R16).
export function sealReceiver(dataKey: Buffer, orderRef: string, receiver: Receiver): Sealed<'receiver'> {
  return seal<'receiver'>(
    dataKey,
    JSON.stringify({ name: receiver.name, phone: receiver.phone, address: receiver.address }),
    orderRef,
  );
}

export function openReceiver(dataKey: Buffer, orderRef: string, sealed: string): Receiver {
  const { name, phone, address } = JSON.parse(open(dataKey, asSealed(sealed), orderRef)) as Receiver;
  return { name, phone, address };
}

export function sealBuyerId(dataKey: Buffer, orderRef: string, buyerId: string): Sealed<'buyer-id'> {
  return seal<'buyer-id'>(dataKey, buyerId, `${orderRef}:buyer_id`);
}

export function openBuyerId(dataKey: Buffer, orderRef: string, sealed: string): string {
  return open(dataKey, asSealed(sealed), `${orderRef}:buyer_id`);
}
