package io.storedash.gateway.http;

/** A request parameter that is wrong: answered 400 with the parameter's name beside the sentence. */
public final class ParameterProblem extends IllegalArgumentException {

  private final String parameter;

  public ParameterProblem(String parameter, String message) {
    super(message);
    this.parameter = parameter;
  }

  public String parameter() {
    return parameter;
  }
}
