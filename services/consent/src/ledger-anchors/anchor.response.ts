import { ApiProperty } from '@nestjs/swagger';
import { RECEIPT_TYPE, type AnchorReceipt } from './anchor-receipt';

export class AnchorReceiptResponse implements AnchorReceipt {
  @ApiProperty({ enum: [RECEIPT_TYPE], example: RECEIPT_TYPE })
  type: typeof RECEIPT_TYPE;
  @ApiProperty({ example: 'demo' })
  brandId: string;
  @ApiProperty({ example: 1234 })
  seq: number;
  @ApiProperty()
  hash: string;
  @ApiProperty({ format: 'date-time' })
  at: string;
  @ApiProperty({ example: 'k20261206' })
  kid: string;
  @ApiProperty({ description: 'base64url Ed25519 over signedPayload' })
  signature: string;
}

/** Keep `receipt` outside Siyu; hand it back to POST ledger/verify to prove nothing was cut. */
export class SignedReceiptResponse {
  @ApiProperty({ type: AnchorReceiptResponse })
  receipt: AnchorReceipt;
  @ApiProperty({ description: 'Exactly the bytes signed (canonical JSON)' })
  signedPayload: string;
  @ApiProperty({ example: 'Ed25519' })
  algorithm: string;
  @ApiProperty({ type: String, nullable: true })
  publicKeyPem: string | null;
}

export class AnchoredReceiptResponse extends SignedReceiptResponse {
  @ApiProperty({ example: true, description: 'False: the head was already anchored' })
  recorded: boolean;
}
