import { Link } from 'react-router-dom';

import type { IpcError } from '../../lib/bindings';
import { linkClass } from './styles';

/** For a `forbidden` error: where to read what each role may do and how to get one. Nothing for other errors. */
export function ForbiddenLink({ error, className = '' }: { error: IpcError; className?: string }) {
  if (error.code !== 'forbidden') return null;
  return (
    <Link to="/unauthorized" data-testid="forbidden-link" className={`${linkClass} ${className}`.trim()}>
      See what your role may do and how to get access
    </Link>
  );
}
