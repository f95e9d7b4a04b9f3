package io.cta.server.error;

/**
 * A refusal in CTA's own terms: what was asked cannot be done, and {@link #getMessage()} says why
 * in words a user can act on (the problem's {@code detail}). Domain code, stores, activities and
 * controllers throw these; only the problem mapping ({@code io.cta.server.web.ProblemHandler})
 * turns them into HTTP, so nothing else needs to know a status code. See
 * docs/architecture.md#errors.
 */
public abstract sealed class CtaException extends RuntimeException
    permits InvalidInputException,
        ForbiddenException,
        NotFoundException,
        ConflictException,
        PreconditionFailedException,
        TooLargeException,
        TooManyRequestsException {

  CtaException(String detail) {
    super(detail);
  }
}
