package io.cta.consumer.notification;

import io.cta.consumer.config.ConsumerProperties;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.mail.MailException;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.MimeMessageHelper;
import org.springframework.stereotype.Component;
import org.springframework.web.util.HtmlUtils;

/**
 * Sends an execution's summary by SMTP as a plain-text and an HTML alternative. The SMTP server is
 * Spring Boot's {@code spring.mail.*}; without {@code spring.mail.host} there is no mail sender and
 * email notifications fail at once, saying so.
 */
@Component
class EmailSender {

  private final ObjectProvider<JavaMailSender> mail;
  private final String from;

  EmailSender(ObjectProvider<JavaMailSender> mail, ConsumerProperties properties) {
    this.mail = mail;
    this.from = properties.notifications().mailFrom();
  }

  void send(List<String> to, ExecutionSummary summary) {
    JavaMailSender sender = mail.getIfAvailable();
    if (sender == null) {
      throw new DeliveryException(
          "email is not configured: set spring.mail.host (docs/notifications.md)", null, true);
    }
    MimeMessage message = sender.createMimeMessage();
    try {
      MimeMessageHelper helper = new MimeMessageHelper(message, true, "UTF-8");
      helper.setFrom(from);
      helper.setTo(to.toArray(String[]::new));
      helper.setSubject("[CTA] " + summary.title());
      helper.setText(text(summary), html(summary));
    } catch (MessagingException e) {
      throw new DeliveryException("the email could not be built: " + e.getMessage(), null, true);
    }
    try {
      sender.send(message);
    } catch (MailException e) {
      throw new DeliveryException("SMTP: " + e.getMessage(), null, false);
    }
  }

  static String text(ExecutionSummary summary) {
    StringBuilder text = new StringBuilder();
    for (Map.Entry<String, String> row : summary.rows()) {
      text.append(String.format("%-10s %s%n", row.getKey() + ":", row.getValue()));
    }
    return text.append(String.format("%-10s %s%n", "Details:", summary.link())).toString();
  }

  static String html(ExecutionSummary summary) {
    StringBuilder html =
        new StringBuilder("<!DOCTYPE html>\n<html><body>\n<h2>")
            .append(HtmlUtils.htmlEscape(summary.title()))
            .append("</h2>\n<table>\n");
    for (Map.Entry<String, String> row : summary.rows()) {
      html.append("<tr><th align=\"left\">")
          .append(HtmlUtils.htmlEscape(row.getKey()))
          .append("</th><td>")
          .append(HtmlUtils.htmlEscape(row.getValue()))
          .append("</td></tr>\n");
    }
    String link = HtmlUtils.htmlEscape(summary.link());
    return html.append("</table>\n<p><a href=\"")
        .append(link)
        .append("\">")
        .append(link)
        .append("</a></p>\n</body></html>\n")
        .toString();
  }
}
