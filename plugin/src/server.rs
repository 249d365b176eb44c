//! The gRPC services: tfplugin6 Provider plus go-plugin's controller, stdio and
//! broker. Every Provider RPC goes through [`GrpcProvider::handle`], which logs,
//! times and makes the call cancellable by StopProvider.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use tokio_stream::Stream;
use tokio_util::sync::CancellationToken;
use tonic::{Request, Response, Status, Streaming};
use tracing::Instrument;

use super::convert;
use super::diagnostics::Diagnostic;
use super::dispatch::Served;
use super::function::FunctionError;
use super::proto::goplugin as gp;
use super::proto::tfplugin6 as pb;
use super::provider::Provider;
use super::types::Type;
use super::value::Value;

/// Cancels in-flight reads on StopProvider while letting later calls run: each
/// stop cancels the current token and installs a fresh one.
#[derive(Default)]
pub(crate) struct StopSignal(Mutex<CancellationToken>);

impl StopSignal {
    fn current(&self) -> CancellationToken {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .child_token()
    }

    fn stop(&self) {
        let mut token = self.0.lock().unwrap_or_else(|e| e.into_inner());
        token.cancel();
        *token = CancellationToken::new();
    }
}

pub(crate) struct GrpcProvider<P: Provider> {
    provider: Arc<Served<P>>,
    stop: StopSignal,
    next_request_id: AtomicU64,
    /// Built once, like the types below: the schema never changes during a
    /// process's life, and every config is decoded against these types.
    schema_response: pb::get_provider_schema::Response,
    provider_type: Type,
    data_source_types: BTreeMap<&'static str, Type>,
}

impl<P: Provider> GrpcProvider<P> {
    pub(crate) fn new(provider: Arc<Served<P>>) -> Self {
        let schemas = provider.schemas();
        let schema_response = pb::get_provider_schema::Response {
            provider: Some(convert::schema(&schemas.provider)),
            data_source_schemas: schemas
                .data_sources
                .iter()
                .map(|(name, schema)| ((*name).to_owned(), convert::schema(schema)))
                .collect(),
            server_capabilities: Some(capabilities()),
            functions: functions(&schemas.functions),
            ..Default::default()
        };
        let provider_type = schemas.provider.object_type();
        let data_source_types = schemas
            .data_sources
            .iter()
            .map(|(name, schema)| (*name, schema.object_type()))
            .collect();
        GrpcProvider {
            provider,
            stop: StopSignal::default(),
            next_request_id: AtomicU64::new(1),
            schema_response,
            provider_type,
            data_source_types,
        }
    }

    /// The one shape of every handler: a span naming the RPC, a cancellation
    /// token tied to StopProvider, and a closing log line with the outcome.
    async fn handle<F, Fut>(
        &self,
        rpc: &'static str,
        type_name: &str,
        call: F,
    ) -> Vec<pb::Diagnostic>
    where
        F: FnOnce(CancellationToken) -> Fut,
        Fut: Future<Output = Vec<Diagnostic>>,
    {
        let request_id = self.next_request_id.fetch_add(1, Ordering::Relaxed);
        let span = tracing::debug_span!(
            "rpc",
            tf_rpc = rpc,
            tf_req_id = request_id,
            tf_data_source_type = tracing::field::Empty
        );
        if !type_name.is_empty() {
            span.record("tf_data_source_type", type_name);
        }
        async {
            tracing::debug!("received request");
            let started = Instant::now();
            let diagnostics = call(self.stop.current()).await;
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            tracing::debug!(
                diagnostic_error_count = errors,
                diagnostic_warning_count = diagnostics.len() - errors,
                duration_ms = started.elapsed().as_millis() as u64,
                "served request"
            );
            convert::diagnostics(diagnostics)
        }
        .instrument(span)
        .await
    }

    /// Decodes the arguments by their parameters' types, calls, and encodes
    /// the result by the return type.
    fn call(
        &self,
        name: &str,
        arguments: Vec<pb::DynamicValue>,
    ) -> Result<pb::DynamicValue, FunctionError> {
        let signature = self.provider.schemas().functions.get(name).ok_or_else(|| {
            FunctionError::new(format!("This provider has no function {name:?}."))
        })?;
        let mut decoded = Vec::with_capacity(arguments.len());
        for (index, argument) in arguments.into_iter().enumerate() {
            let ty = signature
                .parameters
                .get(index)
                .map_or(&Type::Dynamic, |p| &p.ty);
            let value = convert::decode_value(Some(argument), ty)
                .map_err(|d| FunctionError::at(index, d.detail))?;
            decoded.push(value);
        }
        let result = self.provider.call_function(name, &decoded)?;
        convert::encode_value(&result, &signature.returns)
            .map_err(|d| FunctionError::new(format!("{} {}", d.summary, d.detail)))
    }

    fn data_source_type(&self, type_name: &str) -> Result<&Type, Diagnostic> {
        self.data_source_types.get(type_name).ok_or_else(|| {
            Diagnostic::error(
                "Unknown data source type",
                format!("This provider has no data source {type_name:?}."),
            )
        })
    }
}

fn functions(
    signatures: &BTreeMap<&'static str, crate::Signature>,
) -> std::collections::HashMap<String, pb::Function> {
    signatures
        .iter()
        .map(|(name, signature)| ((*name).to_owned(), convert::function(signature)))
        .collect()
}

fn capabilities() -> pb::ServerCapabilities {
    pb::ServerCapabilities {
        plan_destroy: false,
        get_provider_schema_optional: true,
    }
}

type Reply<T> = Result<Response<T>, Status>;

#[tonic::async_trait]
impl<P: Provider> pb::provider_server::Provider for GrpcProvider<P> {
    async fn get_metadata(
        &self,
        _: Request<pb::get_metadata::Request>,
    ) -> Reply<pb::get_metadata::Response> {
        let data_sources = self
            .provider
            .schemas()
            .data_sources
            .keys()
            .map(|name| pb::get_metadata::DataSourceMetadata {
                type_name: (*name).to_owned(),
            })
            .collect();
        let functions = self
            .provider
            .schemas()
            .functions
            .keys()
            .map(|name| pb::get_metadata::FunctionMetadata {
                name: (*name).to_owned(),
            })
            .collect();
        Ok(Response::new(pb::get_metadata::Response {
            server_capabilities: Some(capabilities()),
            data_sources,
            functions,
            ..Default::default()
        }))
    }

    async fn get_provider_schema(
        &self,
        _: Request<pb::get_provider_schema::Request>,
    ) -> Reply<pb::get_provider_schema::Response> {
        tracing::debug!(tf_rpc = "GetProviderSchema", "served schema");
        Ok(Response::new(self.schema_response.clone()))
    }

    async fn validate_provider_config(
        &self,
        request: Request<pb::validate_provider_config::Request>,
    ) -> Reply<pb::validate_provider_config::Response> {
        let config = request.into_inner().config;
        let ty = &self.provider_type;
        let diagnostics = self
            .handle("ValidateProviderConfig", "", |_| async {
                match convert::decode_value(config, ty) {
                    Ok(config) => self.provider.validate_provider_config(&config).await,
                    Err(d) => vec![d],
                }
            })
            .await;
        Ok(Response::new(pb::validate_provider_config::Response {
            diagnostics,
        }))
    }

    async fn configure_provider(
        &self,
        request: Request<pb::configure_provider::Request>,
    ) -> Reply<pb::configure_provider::Response> {
        let request = request.into_inner();
        let ty = &self.provider_type;
        let diagnostics = self
            .handle("ConfigureProvider", "", |_| async {
                match convert::decode_value(request.config, ty) {
                    Ok(config) => {
                        self.provider
                            .configure_provider(&config, &request.terraform_version)
                            .await
                    }
                    Err(d) => vec![d],
                }
            })
            .await;
        Ok(Response::new(pb::configure_provider::Response {
            diagnostics,
        }))
    }

    async fn validate_data_resource_config(
        &self,
        request: Request<pb::validate_data_resource_config::Request>,
    ) -> Reply<pb::validate_data_resource_config::Response> {
        let request = request.into_inner();
        let type_name = request.type_name.as_str();
        let diagnostics = self
            .handle("ValidateDataResourceConfig", type_name, |_| async {
                let config = self
                    .data_source_type(type_name)
                    .and_then(|ty| convert::decode_value(request.config, ty));
                match config {
                    Ok(config) => self
                        .provider
                        .validate_data_source_config(type_name, &config),
                    Err(d) => vec![d],
                }
            })
            .await;
        Ok(Response::new(pb::validate_data_resource_config::Response {
            diagnostics,
        }))
    }

    async fn read_data_source(
        &self,
        request: Request<pb::read_data_source::Request>,
    ) -> Reply<pb::read_data_source::Response> {
        let request = request.into_inner();
        let type_name = request.type_name.as_str();
        let mut state = None;
        let diagnostics = self
            .handle("ReadDataSource", type_name, |cancel| async {
                let ty = match self.data_source_type(type_name) {
                    Ok(ty) => ty,
                    Err(d) => return vec![d],
                };
                let config = match convert::decode_value(request.config, ty) {
                    Ok(config) => config,
                    Err(d) => return vec![d],
                };
                match self
                    .provider
                    .read_data_source(type_name, &config, cancel)
                    .await
                {
                    Ok((value, warnings)) => match state_value(&value, ty) {
                        Ok(encoded) => {
                            state = Some(encoded);
                            warnings
                        }
                        Err(d) => vec![d],
                    },
                    Err(diagnostics) => diagnostics,
                }
            })
            .await;
        Ok(Response::new(pb::read_data_source::Response {
            state,
            diagnostics,
        }))
    }

    async fn get_functions(
        &self,
        _: Request<pb::get_functions::Request>,
    ) -> Reply<pb::get_functions::Response> {
        Ok(Response::new(pb::get_functions::Response {
            functions: self.schema_response.functions.clone(),
            diagnostics: Vec::new(),
        }))
    }

    async fn call_function(
        &self,
        request: Request<pb::call_function::Request>,
    ) -> Reply<pb::call_function::Response> {
        let request = request.into_inner();
        let name = request.name.as_str();
        let mut outcome = Err(FunctionError::new("The call did not run."));
        self.handle("CallFunction", "", |_| async {
            outcome = self.call(name, request.arguments);
            Vec::new()
        })
        .await;
        let (result, error) = match outcome {
            Ok(result) => (Some(result), None),
            Err(error) => {
                tracing::debug!(function = name, error = error.text, "function failed");
                (None, Some(convert::function_error(error)))
            }
        };
        Ok(Response::new(pb::call_function::Response { result, error }))
    }

    async fn stop_provider(
        &self,
        _: Request<pb::stop_provider::Request>,
    ) -> Reply<pb::stop_provider::Response> {
        tracing::info!(tf_rpc = "StopProvider", "stopping in-flight requests");
        self.stop.stop();
        Ok(Response::new(pb::stop_provider::Response::default()))
    }
}

/// A state must be wholly known and non-null, or Terraform reports "Provider
/// produced invalid object"; catch that here with a clearer message.
fn state_value(value: &Value, ty: &Type) -> Result<pb::DynamicValue, Diagnostic> {
    crate::dispatch::check_state(value)?;
    convert::encode_value(value, ty)
}

/// go-plugin's controller: Terraform calls Shutdown when it is done with us.
pub(crate) struct Controller {
    pub(crate) shutdown: CancellationToken,
}

#[tonic::async_trait]
impl gp::grpc_controller_server::GrpcController for Controller {
    async fn shutdown(&self, _: Request<gp::Empty>) -> Reply<gp::Empty> {
        tracing::debug!("shutdown requested by Terraform");
        self.shutdown.cancel();
        Ok(Response::new(gp::Empty {}))
    }
}

type StreamOf<T> = Pin<Box<dyn Stream<Item = Result<T, Status>> + Send>>;

/// A stream that sends nothing and ends when the server shuts down: we never
/// write to stdout/stderr through go-plugin's stdio channel, and we broker no
/// connections, but an open stream keeps the client from logging warnings.
fn idle_until<T: Send + 'static>(shutdown: &CancellationToken) -> StreamOf<T> {
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<T, Status>>(1);
    let shutdown = shutdown.clone();
    tokio::spawn(async move {
        shutdown.cancelled().await;
        drop(tx);
    });
    Box::pin(tokio_stream::wrappers::ReceiverStream::new(rx))
}

pub(crate) struct Stdio {
    pub(crate) shutdown: CancellationToken,
}

#[tonic::async_trait]
impl gp::grpc_stdio_server::GrpcStdio for Stdio {
    type StreamStdioStream = StreamOf<gp::StdioData>;

    async fn stream_stdio(&self, _: Request<gp::Empty>) -> Reply<Self::StreamStdioStream> {
        Ok(Response::new(idle_until(&self.shutdown)))
    }
}

pub(crate) struct Broker {
    pub(crate) shutdown: CancellationToken,
}

#[tonic::async_trait]
impl gp::grpc_broker_server::GrpcBroker for Broker {
    type StartStreamStream = StreamOf<gp::ConnInfo>;

    async fn start_stream(
        &self,
        _: Request<Streaming<gp::ConnInfo>>,
    ) -> Reply<Self::StartStreamStream> {
        Ok(Response::new(idle_until(&self.shutdown)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_cancels_the_reads_in_flight_and_not_those_after_it() {
        let stop = StopSignal::default();
        let (first, second) = (stop.current(), stop.current());
        stop.stop();
        assert!(first.is_cancelled() && second.is_cancelled());
        let later = stop.current();
        assert!(!later.is_cancelled());
        stop.stop();
        assert!(later.is_cancelled());
    }
}
