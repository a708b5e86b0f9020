// The client options that shape Coupa's answer: `return_object` and `fields`.
import type { CoupaReadOptions, CoupaWriteOptions, ReturnObject } from '../coupa';
import type { ActionReturnType } from './types';

/** `returnType`/`fields` as client options; `default` sends no `return_object`. @internal */
export function responseOptions(shape: {
  readonly returnType: ActionReturnType;
  readonly fields?: CoupaReadOptions['fields'];
}): CoupaWriteOptions {
  return {
    ...(shape.returnType === 'default' ? {} : { returnObject: shape.returnType as ReturnObject }),
    ...(shape.fields ? { fields: shape.fields } : {}),
  };
}
