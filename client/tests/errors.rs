//! Every public error type of the client is a library's error: `Display`,
//! `std::error::Error` with its cause as `source()`, `Send + Sync`.

use std::error::Error;

use dli_client::paging::ListError;
use dli_client::retry::RetryError;
use dli_client::{ApiError, AuthError, ClientBuildError, ClientOptions, ErrorKind, ProjectError};

fn is_library_error<E: Error + Send + Sync + 'static>() {}

#[test]
fn every_public_error_type_is_an_error_with_a_source() {
    is_library_error::<ApiError>();
    is_library_error::<RetryError>();
    is_library_error::<ListError<RetryError>>();
    is_library_error::<AuthError>();
    is_library_error::<ProjectError>();
    is_library_error::<ClientBuildError>();

    let cause = ApiError::unanswered(ErrorKind::Transport, "dli.example", "reset".into());
    let retried = RetryError::Failed {
        error: cause.clone(),
        attempts: 3,
    };
    assert_eq!(
        retried.source().unwrap().to_string(),
        "request to dli.example failed: reset"
    );
    let list = ListError::Page {
        offset: 100,
        error: retried.clone(),
    };
    assert!(list.to_string().contains("offset 100"), "{list}");
    assert!(list.source().unwrap().source().is_some());
    let auth = AuthError {
        wanted: "temporary credentials of agency \"ci\"".into(),
        error: Box::new(retried),
    };
    assert!(auth.source().is_some());
    assert!(
        auth.to_string()
            .starts_with("cannot get temporary credentials"),
        "{auth}"
    );
}

#[test]
fn a_client_that_cannot_be_built_says_why_in_a_typed_error() {
    let mut options = ClientOptions::new("errors-test");
    options.ca_bundle_pem = Some(b"not a certificate".to_vec());
    let err = dli_client::Client::new(&options).unwrap_err();
    assert!(
        matches!(
            err,
            ClientBuildError::EmptyCaBundle | ClientBuildError::InvalidCaBundle(_)
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("CA bundle"), "{err}");
}
